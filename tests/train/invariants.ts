import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { FALLBACK_KEY } from '../../src/fleet/keys.ts';

interface ShardRow {
  run_id: number;
  shard: number;
  keys: string;
  key_count: number;
  status: string;
  model_count: number;
}

/**
 * Checks a fleet's training invariants on the SQLite file, opened read-only: integrity, at most one
 * champion per key, no half shards, no orphan bundles or foreign keys, acked jobs only for done
 * shards, no run left unfinished behind a newer one. Returns the runs and the champions.
 */
export function checkFleetFile(
  path: string,
  fleet: string,
  keys: readonly string[],
  where: string,
): {
  runs: { id: number; status: string }[];
  champions: Map<string, string | null>;
} {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', where);
    assert.deepEqual(db.pragma('foreign_key_check'), [], where);
    const fleetRow = db.prepare('SELECT id FROM fleets WHERE name = ?').get(fleet) as
      | { id: number }
      | undefined;
    assert.ok(fleetRow, `${where}: no fleet ${fleet}`);
    const models = db
      .prepare(`SELECT e.key, m.status, m.run_id, m.shard, m.fallback_reason, length(m.bundle) AS bytes
        FROM models m JOIN entities e ON e.id = m.entity_id WHERE m.fleet_id = ?`)
      .all(fleetRow.id) as {
      key: string;
      status: string;
      run_id: number | null;
      shard: number | null;
      fallback_reason: string | null;
      bytes: number;
    }[];
    const allowed = new Set([...keys, FALLBACK_KEY]);
    const champions = new Map<string, string | null>();
    const perRunKey = new Set<string>();
    for (const m of models) {
      assert.ok(allowed.has(m.key), `${where}: model for a key outside the fleet: ${m.key}`);
      // No orphan bundles: an empty bundle is a fallback marker and says why; a bundle is a model.
      assert.equal(m.bytes === 0, m.fallback_reason !== null, `${where}: ${m.key} bundle/fallbackReason`);
      if (m.status === 'champion') {
        assert.ok(!champions.has(m.key), `${where}: two champions for ${m.key}`);
        champions.set(m.key, m.fallback_reason);
      }
      if (m.run_id !== null) {
        const id = `${m.run_id}/${m.key}`;
        assert.ok(!perRunKey.has(id), `${where}: run ${m.run_id} wrote ${m.key} twice`);
        perRunKey.add(id);
      }
    }
    const shards = db
      .prepare(`SELECT s.run_id, s.shard, s.keys, s.key_count, s.status, s.model_count
        FROM shards s JOIN runs r ON r.id = s.run_id WHERE r.fleet_id = ?`)
      .all(fleetRow.id) as ShardRow[];
    const shardModels = new Map<string, string[]>();
    for (const m of models) {
      if (m.run_id === null) continue;
      const id = `${m.run_id}:${m.shard}`;
      shardModels.set(id, [...(shardModels.get(id) ?? []), m.key]);
    }
    for (const s of shards) {
      const id = `${s.run_id}:${s.shard}`;
      const written = (shardModels.get(id) ?? []).sort();
      const shardKeys = (JSON.parse(s.keys) as string[]).sort();
      // No half shards: done with every key's model, or not done with none of them.
      if (s.status === 'done') {
        assert.deepEqual(written, shardKeys, `${where}: done shard ${id}`);
        assert.equal(s.model_count, s.key_count, `${where}: shard ${id} model_count`);
      } else {
        assert.deepEqual(written, [], `${where}: ${s.status} shard ${id} has models`);
        assert.equal(s.model_count, 0, `${where}: shard ${id} model_count`);
      }
    }
    // The queue acks after the shard commit: an acked shard job's shard is done.
    for (const job of db
      .prepare(`SELECT id FROM queue_jobs WHERE topic = ? AND state = 2`)
      .all(`train.${fleet}`) as { id: string }[]) {
      const [run, shard] = job.id.split(':').map(Number);
      assert.ok(
        shards.some((s) => s.run_id === run && s.shard === shard && s.status === 'done'),
        `${where}: acked job ${job.id} but its shard is not done`,
      );
    }
    const runs = db
      .prepare('SELECT id, status FROM runs WHERE fleet_id = ? ORDER BY id')
      .all(fleetRow.id) as {
      id: number;
      status: string;
    }[];
    // A killed run is resumed, never abandoned: only the newest run may be unfinished.
    for (const run of runs.slice(0, -1))
      assert.equal(run.status, 'done', `${where}: run ${run.id} left behind`);
    return { runs, champions };
  } finally {
    db.close();
  }
}
