import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqlite } from '../../src/sqlite/connection.ts';
import { CRASH_FLEET, KEYS_PER_SHARD } from './crash-writer.ts';

const WRITER = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const ROUNDS = 6;
const WRITERS = 2; // two processes commit to the same file at once: 12 kills in all

/** Starts the writer, waits until it is committing, lets it run a random while, then SIGKILLs it. */
function runAndKill(
  path: string,
  seed: number,
  delayMs: number,
): Promise<{ signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(seed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let output = '';
    child.stderr.on('data', (data) => (stderr += data));
    child.stdout.on('data', (data) => {
      output += data;
      if (output.includes('ready')) {
        output = '';
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, stderr }));
  });
}

function checkInvariants(path: string): { doneShards: number; models: number } {
  const db = openSqlite({ path });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
    const doubled = db
      .prepare(
        `SELECT entity_id, count(*) AS n FROM models WHERE status = 'champion' GROUP BY entity_id HAVING n > 1`,
      )
      .all();
    assert.deepEqual(doubled, [], 'at most one champion per key');
    // A shard is either done with all its models, or not done with none.
    const shards = db
      .prepare(`SELECT s.run_id, s.shard, s.status, s.model_count,
          (SELECT count(*) FROM models m WHERE m.run_id = s.run_id AND m.shard = s.shard) AS models
        FROM shards s`)
      .all() as { run_id: number; shard: number; status: string; model_count: number; models: number }[];
    let doneShards = 0;
    for (const s of shards) {
      const where = `run ${s.run_id} shard ${s.shard} (${s.status})`;
      if (s.status === 'done') {
        doneShards++;
        assert.equal(s.model_count, KEYS_PER_SHARD, where);
        assert.equal(s.models, KEYS_PER_SHARD, where);
      } else assert.equal(s.models, 0, where);
    }
    // The queue acks only after the shard commit: an acked job's shard must be done.
    const ackedNotDone = db
      .prepare(`SELECT j.id FROM queue_jobs j JOIN shards s
          ON s.run_id = CAST(substr(j.id, 1, instr(j.id, ':') - 1) AS INTEGER) AND s.shard = CAST(substr(j.id, instr(j.id, ':') + 1) AS INTEGER)
        WHERE j.state = 2 AND s.status != 'done'`)
      .all();
    assert.deepEqual(ackedNotDone, []);
    const models = (db.prepare('SELECT count(*) AS n FROM models').get() as { n: number }).n;
    const fleet = db.prepare('SELECT id FROM fleets WHERE name = ?').get(CRASH_FLEET);
    assert.ok(fleet !== undefined);
    return { doneShards, models };
  } finally {
    db.close();
  }
}

test(`SIGKILL at random moments ${ROUNDS * WRITERS} times never corrupts the file or splits a shard`, async () => {
  const dir = join(tmpdir(), `aimass-crash-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const path = join(dir, 'aimass.db');
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  try {
    let last = { doneShards: 0, models: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const writers = Array.from({ length: WRITERS }, (_, w) =>
        runAndKill(path, round * WRITERS + w + 1, Math.floor(random() * 300)),
      );
      for (const { signal, stderr } of await Promise.all(writers))
        assert.equal(signal, 'SIGKILL', `writer ended by itself: ${stderr}`);
      last = checkInvariants(path);
    }
    assert.ok(last.doneShards > ROUNDS, `writers made progress (${last.doneShards} shards done)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
