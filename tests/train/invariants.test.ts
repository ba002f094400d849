import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { sqlitePathIn } from '../../src/store/index.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';
import { createFleet, csvFrame, generateCsv, openEngine, tempDir, truncateKeys } from './helpers.ts';
import { checkFleetFile } from './invariants.ts';

// The crash test is only as good as its checker: a finished fleet file passes it, and each kind
// of damage the checker claims to detect, made by hand on a copy, fails it.
const FLEET = 'inv';
const keys = Array.from({ length: 6 }, (_, i) => `dev-${String(i).padStart(7, '0')}`);
const temp = tempDir('train-invariants');
const original = sqlitePathIn(temp.dir);
after(() => temp.cleanup());

before(async () => {
  const engine = await openEngine(temp.dir);
  try {
    await createFleet(
      engine.store,
      {
        name: FLEET,
        key: 'device_id',
        time: 'ts',
        target: 'target_reg',
        task: 'regression',
        features: ['f1', 'f2'],
        candidates: ['ridge'],
        shardSize: 2,
      },
      csvFrame(
        truncateKeys(generateCsv(['--devices', '6', '--rows', '60', '--seed', '6']), new Set([keys[5]]), 10),
        ['device_id', 'ts', 'f1', 'f2', 'target_reg'],
      ),
    );
    // Two runs: the first one's models end archived.
    for (let i = 0; i < 2; i++)
      await trainFleet({ store: engine.store, queue: engine.queue, fleet: FLEET, threads: 0 });
  } finally {
    await engine.close(); // checkpoints the WAL: the copies below are the whole database
  }
});

let copies = 0;
/** A damaged copy of the finished file. */
function damaged(sql: string): string {
  const path = join(temp.dir, `copy-${copies++}.db`);
  copyFileSync(original, path);
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
  return path;
}

test('a finished fleet file passes the invariant checker', () => {
  const { runs, champions } = checkFleetFile(original, FLEET, keys, 'finished');
  assert.deepEqual(
    runs.map((r) => r.status),
    ['done', 'done'],
  );
  assert.equal(champions.size, keys.length + 1);
  assert.equal(champions.get(keys[5]), 'too_few_rows');
});

test('the checker catches each kind of damage it claims to', () => {
  const newest = '(SELECT max(id) FROM runs)';
  const cases: [string, RegExp][] = [
    [`DELETE FROM models WHERE id = (SELECT min(id) FROM models WHERE run_id = ${newest})`, /done shard/],
    [
      `UPDATE shards SET status = 'pending' WHERE run_id = ${newest} AND shard = 0`,
      /pending shard .* has models/,
    ],
    [
      `UPDATE models SET bundle = x'' WHERE id = (SELECT min(id) FROM models WHERE fallback_reason IS NULL AND run_id IS NOT NULL)`,
      /bundle\/fallbackReason/,
    ],
    [
      `UPDATE models SET fallback_reason = 'x' WHERE id = (SELECT min(id) FROM models WHERE length(bundle) > 0)`,
      /bundle\/fallbackReason/,
    ],
    [
      `INSERT INTO entities (fleet_id, key) SELECT id, 'ghost' FROM fleets WHERE name = '${FLEET}';
       INSERT INTO models (entity_id, fleet_id, version, status, algorithm, params, metrics, row_count, data_hash, spec_version, created_at, bundle)
       SELECT e.id, e.fleet_id, 1, 'candidate', 'ridge', '{}', '{}', 1, 'h', 1, 0, x'00' FROM entities e WHERE e.key = 'ghost'`,
      /outside the fleet/,
    ],
    [`UPDATE runs SET status = 'running' WHERE id = (SELECT min(id) FROM runs)`, /left behind/],
    [
      `INSERT INTO models (entity_id, fleet_id, version, status, algorithm, params, metrics, row_count, data_hash, spec_version, fallback_reason, run_id, shard, created_at, bundle)
       SELECT entity_id, fleet_id, version + 100, 'candidate', algorithm, params, metrics, row_count, data_hash, spec_version, fallback_reason, run_id, shard, created_at, bundle
       FROM models WHERE id = (SELECT max(id) FROM models WHERE run_id IS NOT NULL)`,
      /wrote .* twice/,
    ],
    [
      `UPDATE shards SET status = 'running', model_count = 0 WHERE run_id = ${newest} AND shard = 1;
       DELETE FROM models WHERE run_id = ${newest} AND shard = 1`,
      /acked job .* not done/,
    ],
  ];
  for (const [sql, message] of cases)
    assert.throws(() => checkFleetFile(damaged(sql), FLEET, keys, 'damaged'), message, sql);
});
