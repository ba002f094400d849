import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAimassError } from '../../core/errors.ts';
import { type Migration, migrate, openSqlite, schemaVersion } from '../../sqlite/connection.ts';
import { storeConformance } from '../store-conformance.ts';
import { openSqliteStore, SqliteStore } from './sqlite-store.ts';
import { STORE_MIGRATIONS } from './store-schema.ts';

export function tempDbPath(prefix: string): string {
  return join(
    tmpdir(),
    `aimass-${prefix}-${process.pid}-${Math.random().toString(36).slice(2)}`,
    'aimass.db',
  );
}

storeConformance('sqlite', async () => {
  const path = tempDbPath('store');
  return {
    open: () => new SqliteStore({ path, synchronous: 'NORMAL' }),
    destroy: () => rm(join(path, '..'), { recursive: true, force: true }),
  };
});

test('a fresh file is migrated with WAL, foreign keys, FULL sync by default', async () => {
  const path = tempDbPath('migrate');
  const store = await openSqliteStore({ path });
  try {
    await store.createFleet('f');
    const db = openSqlite({ path });
    try {
      assert.equal(schemaVersion(db, 'store'), STORE_MIGRATIONS.at(-1)!.version);
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL by default
      assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  } finally {
    await store.close();
    await rm(join(path, '..'), { recursive: true, force: true });
  }
});

test('synchronous is configurable and validated', () => {
  const path = tempDbPath('sync');
  const db = openSqlite({ path, synchronous: 'NORMAL', busyTimeoutMs: 10 });
  try {
    assert.equal(db.pragma('synchronous', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 10);
  } finally {
    db.close();
  }
  assert.throws(
    () => openSqlite({ path, synchronous: 'OFF' as 'FULL' }),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID'),
  );
  return rm(join(path, '..'), { recursive: true, force: true });
});

test('an older file is migrated forward; a newer one is refused clearly', async () => {
  const path = tempDbPath('versions');
  const v1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE t1 (a INTEGER)' };
  const v2: Migration = {
    version: 2,
    name: 'two',
    sql: 'ALTER TABLE t1 ADD COLUMN b TEXT; CREATE TABLE t2 (c INTEGER)',
  };
  const db = openSqlite({ path });
  try {
    migrate(db, 'demo', [v1], path);
    db.prepare('INSERT INTO t1 (a) VALUES (1)').run();
    migrate(db, 'demo', [v1, v2], path); // v1 is not applied twice (it would fail: table exists)
    migrate(db, 'demo', [v1, v2], path);
    assert.equal(schemaVersion(db, 'demo'), 2);
    assert.deepEqual(db.prepare('SELECT a, b FROM t1').all(), [{ a: 1, b: null }]);
    assert.throws(
      () => migrate(db, 'demo', [v1], path),
      (e: unknown) => isAimassError(e, 'STORE_ERROR') && /newer than this aimass supports/.test(e.message),
    );
    // A broken migration rolls back entirely and leaves the version unchanged.
    const bad: Migration = {
      version: 3,
      name: 'bad',
      sql: 'CREATE TABLE t3 (x); INSERT INTO nowhere VALUES (1)',
    };
    assert.throws(() => migrate(db, 'demo', [v1, v2, bad], path));
    assert.equal(schemaVersion(db, 'demo'), 2);
    assert.equal(
      (db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 't3'`).get() as { n: number }).n,
      0,
    );
    db.prepare(`INSERT INTO schema_migrations VALUES ('store', 99, 'from the future', 0)`).run();
  } finally {
    db.close();
  }
  const store = new SqliteStore({ path });
  await assert.rejects(
    store.ready(),
    (e: unknown) => isAimassError(e, 'STORE_ERROR') && /schema version 99/.test(e.message),
  );
  await store.close();
  await rm(join(path, '..'), { recursive: true, force: true });
});

test('the champion read is index-only (no table scans)', async () => {
  const path = tempDbPath('plan');
  const store = await openSqliteStore({ path });
  await store.close();
  const db = openSqlite({ path });
  try {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN SELECT m.bundle FROM fleets f
        JOIN entities e ON e.fleet_id = f.id AND e.key = ?
        JOIN models m ON m.entity_id = e.id AND m.status = 'champion' WHERE f.name = ?`)
      .all('k', 'f') as { detail: string }[];
    const details = plan.map((p) => p.detail);
    assert.ok(
      details.every((d) => !d.startsWith('SCAN')),
      details.join('; '),
    );
    assert.ok(
      details.some((d) => d.includes('models_one_champion')),
      details.join('; '),
    );
  } finally {
    db.close();
    await rm(join(path, '..'), { recursive: true, force: true });
  }
});
