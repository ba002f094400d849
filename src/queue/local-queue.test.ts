import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { openSqlite, schemaVersion } from '../sqlite/connection.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { STORE_MIGRATIONS } from '../store/sqlite/store-schema.ts';
import { LocalQueue, openLocalQueue } from './local-queue.ts';
import { queueConformance } from './queue-conformance.ts';

queueConformance('local (SQLite)', async (options) => {
  const dir = join(tmpdir(), `aimass-queue-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const path = join(dir, 'aimass.db');
  return {
    open: () => new LocalQueue({ path, synchronous: 'NORMAL', ...options }),
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
});

test('the local queue lives in the store file, with its own schema version', async () => {
  const dir = join(tmpdir(), `aimass-queue-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const path = join(dir, 'aimass.db');
  const store = await openSqliteStore({ path });
  const queue = await openLocalQueue({ path });
  try {
    await store.createFleet('f');
    await queue.enqueue('t', [{ id: 'j', payload: new Uint8Array(1) }]);
    const db = openSqlite({ path });
    try {
      assert.equal(schemaVersion(db, 'queue'), 1);
      assert.equal(schemaVersion(db, 'store'), STORE_MIGRATIONS.length);
    } finally {
      db.close();
    }
    assert.equal((await store.listFleets()).length, 1);
    assert.equal((await queue.reserve('t', 5)).length, 1);
  } finally {
    await queue.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('local queue options are validated; defaults apply', async () => {
  const invalid = (e: unknown) => isAimassError(e, 'PARAM_INVALID');
  assert.throws(() => new LocalQueue({ path: 'x.db', leaseMs: 0 }), invalid);
  assert.throws(() => new LocalQueue({ path: 'x.db', maxAttempts: 1.5 }), invalid);
  const dir = join(tmpdir(), `aimass-queue-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const queue = await openLocalQueue({ path: join(dir, 'aimass.db') });
  try {
    await queue.enqueue('t', [{ id: 'j', payload: new Uint8Array(1) }]);
    const started = Date.now();
    const [delivery] = await queue.reserve('t', 1);
    // Default lease 30 s: an immediate second reserve finds nothing; default 5 attempts before dead.
    assert.deepEqual(await queue.reserve('t', 1), []);
    assert.ok(Date.now() - started < 30_000);
    let result = await queue.nack(delivery.receipt, { retry: true, error: 'e' });
    for (let attempt = 2; result === 'retried'; attempt++) {
      const [again] = await queue.reserve('t', 1);
      assert.equal(again.attempt, attempt);
      result = await queue.nack(again.receipt, { retry: true, error: `e${attempt}` });
    }
    assert.equal((await queue.deadLetters('t')).items[0].attempts, 5);
  } finally {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('purgeCompleted drops old completed jobs only; their ids can then be enqueued again', async () => {
  const dir = join(tmpdir(), `aimass-queue-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const queue = await openLocalQueue({ path: join(dir, 'aimass.db'), leaseMs: 1000 });
  try {
    await queue.enqueue('t', [
      { id: 'done', payload: new Uint8Array(1) },
      { id: 'open', payload: new Uint8Array(1) },
    ]);
    const deliveries = await queue.reserve('t', 2);
    await queue.ack(deliveries.find((d) => d.id === 'done')!.receipt);
    assert.equal(await queue.purgeCompleted(60_000), 0); // too recent
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await queue.purgeCompleted(0), 1);
    assert.deepEqual(await queue.counts('t'), { ready: 0, leased: 1, dead: 0 });
    assert.deepEqual(await queue.enqueue('t', [{ id: 'done', payload: new Uint8Array(1) }]), {
      added: 1,
      duplicates: 0,
    });
    await assert.rejects(queue.purgeCompleted(-1), (e: unknown) => isAimassError(e, 'PARAM_INVALID'));
  } finally {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  }
});
