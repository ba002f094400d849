import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import postgres from 'postgres';
import { numericValues } from '../../src/data/frame.ts';
import { validateFleetSpec } from '../../src/fleet/spec.ts';
import { SqlSource } from '../../src/ingest/sql/sql-source.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';

const ADMIN_URL = process.env.AIMASS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function pgUp(): Promise<boolean> {
  const { hostname, port } = new URL(ADMIN_URL);
  const up = await new Promise<boolean>((resolve) => {
    const s = netConnect({ host: hostname, port: Number(port || 5432) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (!up && process.env.CI === 'true')
    throw new Error(`PostgreSQL ${ADMIN_URL} is not reachable (CI needs it)`);
  return up;
}

const up = await pgUp();
const dbName = `aimass_test_sql_${process.pid}`;
const dbUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`);
let dir: string;
let store: Store;
let sql: postgres.Sql;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aimass-sql-'));
  store = await openStore({ url: `sqlite:${join(dir, 'aimass.db')}`, synchronous: 'NORMAL' });
  if (!up) return;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.unsafe(`CREATE DATABASE ${dbName}`);
  await admin.end();
  sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
});
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  if (!up) return;
  await sql.end();
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

async function createFleet(name: string): Promise<void> {
  await store.createFleet(name);
  await store.putSpec(
    name,
    validateFleetSpec({ name, key: 'device', time: 'ts', target: 'temp', task: 'regression' }),
  );
}

async function total(fleet: string): Promise<number> {
  let n = 0;
  for (const k of (await store.listKeys(fleet, { limit: 1000 })).items)
    n += await store.rowCount(fleet, k.key);
  return n;
}

test('SQL: incremental pulls with tied cursor values split at the limit lose and duplicate nothing', {
  skip: !up && 'no PostgreSQL',
}, async () => {
  await createFleet('pg1');
  await sql.unsafe('CREATE TABLE r (id serial, device text, ts timestamptz, temp numeric)');
  // 10 rows per timestamp: a batch of 7 always ends inside a group of ties.
  await sql.unsafe(
    `INSERT INTO r (device, ts, temp) SELECT 'd' || (g % 10), to_timestamp(1700000000 + (g / 10) * 60), g FROM generate_series(0, 99) g`,
  );
  const source = new SqlSource(store, {
    url: dbUrl,
    fleet: 'pg1',
    table: 'r',
    cursorColumn: 'ts',
    batchRows: 7,
  });
  assert.equal(await source.pullUntilCaughtUp(), 100);
  assert.equal(await total('pg1'), 100);
  assert.equal(await source.pullOnce(), 0, 'caught up');
  await sql.unsafe(
    `INSERT INTO r (device, ts, temp) SELECT 'd' || (g % 10), to_timestamp(1700000000 + (g / 10) * 60), g FROM generate_series(100, 129) g`,
  );
  await source.stop();
  // A new source (a restart) resumes from the committed cursor.
  const again = new SqlSource(store, {
    url: dbUrl,
    fleet: 'pg1',
    table: 'r',
    cursorColumn: 'ts',
    batchRows: 7,
  });
  assert.equal(await again.pullUntilCaughtUp(), 30);
  await again.stop();
  assert.equal(await total('pg1'), 130);
  const temps = [...numericValues(await store.readRows('pg1', 'd3'), 'temp')].sort((a, b) => a - b);
  assert.deepEqual(temps, [3, 13, 23, 33, 43, 53, 63, 73, 83, 93, 103, 113, 123]);
});

test('SQL: bad values are quarantined naming the column; an unknown fleet is a clear error', {
  skip: !up && 'no PostgreSQL',
}, async () => {
  await createFleet('pg2');
  await sql.unsafe('CREATE TABLE b (device text, ts timestamptz, temp text)');
  await sql.unsafe(
    "INSERT INTO b VALUES ('a', '2024-01-01', '1.5'), ('a', '2024-01-02', 'hot'), ('a', '2024-01-03', '2')",
  );
  const source = new SqlSource(store, { url: dbUrl, fleet: 'pg2', table: 'b', cursorColumn: 'ts' });
  await source.pullUntilCaughtUp();
  await source.stop();
  assert.equal(await total('pg2'), 2);
  const q = (await store.listQuarantine('pg2')).items;
  assert.equal(q.length, 1);
  assert.match(q[0]?.reason ?? '', /temp/);
  const ghost = new SqlSource(store, { url: dbUrl, fleet: 'ghost', table: 'b', cursorColumn: 'ts' });
  await assert.rejects(ghost.pullOnce(), /fleet "ghost" does not exist/);
  await ghost.stop();
});
