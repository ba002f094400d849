import assert from 'node:assert/strict';
import { test } from 'node:test';
import postgres from 'postgres';
import { isAimassError } from '../../core/errors.ts';
import { migratePg, PG_STORE_MIGRATIONS } from './pg-schema.ts';

const ADMIN_URL = process.env.AIMASS_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database for one test, or null (skip) when PostgreSQL is down outside CI. */
async function freshDatabase(tag: string): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  const name = `aimass_test_${process.pid}_${tag}`;
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name}`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.end();
    if (process.env.CI === 'true') throw error;
    return null;
  }
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

test('PostgreSQL migrations: two starters race safely; a newer schema is refused', async (t) => {
  const db = await freshDatabase('migrate');
  if (db === null) return t.skip('PostgreSQL on 127.0.0.1:5432 is not reachable');
  const a = postgres(db.url, { max: 1, onnotice: () => {} });
  const b = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const versions = await Promise.all([
      migratePg(a, 'store', PG_STORE_MIGRATIONS),
      migratePg(b, 'store', PG_STORE_MIGRATIONS),
    ]);
    assert.deepEqual(versions, [3, 3]);
    const rows = await a`SELECT version FROM schema_migrations WHERE component = 'store' ORDER BY version`;
    assert.deepEqual(
      rows.map((r) => r.version),
      [1, 2, 3],
    );
    await a`INSERT INTO schema_migrations VALUES ('store', 99, 'future', 0)`;
    await assert.rejects(
      migratePg(b, 'store', PG_STORE_MIGRATIONS),
      (e: unknown) => isAimassError(e, 'STORE_ERROR') && /schema version 99/.test(e.message),
    );
  } finally {
    await a.end();
    await b.end();
    await db.drop();
  }
});
