import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { booleanColumn, categoryColumn, createFrame, numberColumn, timeColumn } from '../data/frame.ts';
import { encodeChunk } from './chunk-codec.ts';
import type { Store } from './store.ts';
import type { ModelInfo, NewModel, Page } from './types.ts';

/** Storage a conformance test runs on; `open` may be called again (after close) to reopen it. */
export interface StoreHarness {
  /** A new, not yet ready, store on this harness's storage. */
  open(): Store;
  /** Removes the storage. */
  destroy(): Promise<void>;
}

/** Fresh, empty storage per call (a temp file, a new PostgreSQL schema, …). */
export type StoreFactory = () => Promise<StoreHarness>;

/** A small distinct bundle: byte i = (seed + i) mod 256. */
export function testBundle(seed: number, bytes = 32): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (seed + i) & 255;
  return out;
}

export function testModel(key: string, overrides: Partial<NewModel> = {}): NewModel {
  return {
    key,
    bundle: testBundle(key.length),
    algorithm: 'ridge',
    params: { alpha: 1 },
    metrics: { rmse: 1.5, r2: 0.5 },
    trainStart: 1000,
    trainEnd: 2000,
    rowCount: 10,
    dataHash: 'h',
    specVersion: 1,
    fallbackReason: null,
    ...overrides,
  };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isAimassError(error), `expected an AimassError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

async function collect<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: Page<T> = await fetch(cursor);
    all.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error('pagination did not terminate');
}

function champions(history: readonly ModelInfo[]): number[] {
  return history.filter((m) => m.status === 'champion').map((m) => m.version);
}

/**
 * Registers the Store conformance tests (node:test) for one backend. Every test gets fresh
 * storage from `factory` and a ready store on it.
 */
export function storeConformance(backend: string, factory: StoreFactory): void {
  const withStore = (name: string, body: (store: Store, harness: StoreHarness) => Promise<void>) =>
    test(name, async () => {
      const harness = await factory();
      const store = harness.open();
      try {
        await store.ready();
        await body(store, harness);
      } finally {
        await store.close();
        await harness.destroy();
      }
    });

  describe(`Store conformance: ${backend}`, () => {
    withStore(
      'lifecycle: ready is idempotent, close is safe twice, use after close fails',
      async (_store, harness) => {
        const store = harness.open();
        await rejectsWith(store.listFleets(), 'STORE_ERROR'); // before ready
        await store.ready();
        await store.ready();
        assert.deepEqual(await store.listFleets(), []);
        await store.close();
        await store.close();
        await rejectsWith(store.listFleets(), 'STORE_ERROR');
      },
    );

    withStore('fleets: create, get, list, delete, names validated', async (store) => {
      const before = Date.now();
      const fleet = await store.createFleet('turbines');
      assert.equal(fleet.name, 'turbines');
      assert.equal(fleet.specVersion, null);
      assert.ok(fleet.createdAt >= before && fleet.createdAt <= Date.now());
      await store.createFleet('a.b_c-9');
      await rejectsWith(store.createFleet('turbines'), 'CONFLICT');
      for (const bad of ['', 'a b', 'x'.repeat(65), '../etc', 'é'])
        await rejectsWith(store.createFleet(bad), 'PARAM_INVALID');
      assert.deepEqual(await store.getFleet('turbines'), fleet);
      assert.equal(await store.getFleet('nope'), undefined);
      assert.deepEqual(
        (await store.listFleets()).map((f) => f.name),
        ['a.b_c-9', 'turbines'],
      );
      assert.equal(await store.deleteFleet('turbines'), true);
      assert.equal(await store.deleteFleet('turbines'), false);
      assert.deepEqual(
        (await store.listFleets()).map((f) => f.name),
        ['a.b_c-9'],
      );
      await rejectsWith(store.putSpec('turbines', {}), 'FLEET_NOT_FOUND');
    });

    withStore('deleting a fleet deletes its data, models, runs and events', async (store) => {
      await store.createFleet('f');
      await store.appendRows('f', 'k', encodeChunk(createFrame([numberColumn('x', [1, 2])])));
      await store.insertModel('f', testModel('k', { status: 'champion' }));
      await store.createRun('f', { specVersion: 1, keyCount: 1, shards: [{ keys: ['k'] }] });
      await store.appendEvent('f', { kind: 'note', reason: 'r' });
      await store.deleteFleet('f');
      await store.createFleet('f');
      assert.equal(await store.getChampion('f', 'k'), undefined);
      assert.equal(await store.rowCount('f', 'k'), 0);
      assert.deepEqual((await store.listRuns('f')).items, []);
      assert.deepEqual((await store.listEvents('f')).items, []);
    });

    withStore('specs: append-only versions, current and old readable', async (store) => {
      await store.createFleet('f');
      assert.equal(await store.getSpec('f'), undefined);
      assert.equal(await store.putSpec('f', { target: 'y', algorithms: ['ridge'] }), 1);
      assert.equal(await store.putSpec('f', { target: 'z' }), 2);
      assert.equal((await store.getFleet('f'))!.specVersion, 2);
      assert.deepEqual((await store.getSpec('f'))!.spec, { target: 'z' });
      const first = await store.getSpec('f', 1);
      assert.deepEqual(first!.spec, { target: 'y', algorithms: ['ridge'] });
      assert.equal(first!.version, 1);
      assert.equal(await store.getSpec('f', 3), undefined);
      await rejectsWith(store.getSpec('f', 0), 'PARAM_INVALID');
      await rejectsWith(store.putSpec('f', undefined), 'PARAM_INVALID');
    });

    withStore('data: chunks append, decode and concatenate per key; keys paginate', async (store) => {
      await store.createFleet('f');
      const first = createFrame([
        timeColumn('t', [3000, 1000]),
        numberColumn('x', [1.5, Number.NaN]),
        categoryColumn('c', ['a', null]),
        booleanColumn('b', [true, false]),
      ]);
      const second = createFrame([
        timeColumn('t', [5000]),
        numberColumn('x', [7]),
        categoryColumn('c', ['z']),
      ]);
      await store.appendRows('f', 'k1', encodeChunk(first));
      await store.appendRows('f', 'k1', encodeChunk(second));
      const rows = await store.readRows('f', 'k1');
      assert.equal(rows.rowCount, 3);
      const byName = new Map(rows.columns.map((c) => [c.name, c]));
      const t = byName.get('t')!;
      assert.ok(t.type === 'time');
      assert.deepEqual([...t.values], [3000, 1000, 5000]);
      const x = byName.get('x')!;
      assert.ok(x.type === 'number');
      assert.deepEqual([...x.values], [1.5, Number.NaN, 7]);
      const c = byName.get('c')!;
      assert.ok(c.type === 'category');
      assert.deepEqual(
        [...c.codes].map((code) => (code < 0 ? null : c.dictionary[code])),
        ['a', null, 'z'],
      );
      const b = byName.get('b')!;
      assert.ok(b.type === 'boolean');
      assert.deepEqual([...b.values], [1, 0, -1]); // absent from the second chunk: missing
      assert.equal((await store.readChunks('f', 'k1')).length, 2);
      assert.equal(await store.rowCount('f', 'k1'), 3);
      assert.equal(await store.rowCount('f', 'unknown'), 0);
      assert.equal((await store.readRows('f', 'unknown')).rowCount, 0);

      const many = [];
      for (let i = 0; i < 25; i++)
        many.push({
          key: `k${String(i).padStart(2, '0')}`,
          chunk: encodeChunk(createFrame([numberColumn('x', [i])])),
        });
      await store.appendMany('f', many);
      const keys = await collect((cursor) => store.listKeys('f', { limit: 7, cursor }));
      assert.equal(keys.length, 26);
      const names = keys.map((k) => k.key);
      assert.deepEqual(names, [...names].sort());
      const k1 = keys.find((k) => k.key === 'k1')!;
      assert.deepEqual(k1, { key: 'k1', rowCount: 3, chunkCount: 2, minTime: 1000, maxTime: 5000 });
      const k05 = keys.find((k) => k.key === 'k05')!;
      assert.deepEqual(k05, { key: 'k05', rowCount: 1, chunkCount: 1, minTime: null, maxTime: null });
    });

    withStore('data: a bad chunk in appendMany writes nothing', async (store) => {
      await store.createFleet('f');
      const good = encodeChunk(createFrame([numberColumn('x', [1])]));
      await rejectsWith(
        store.appendMany('f', [
          { key: 'a', chunk: good },
          { key: 'b', chunk: new Uint8Array([1, 2, 3]) },
        ]),
        'CODEC_CORRUPT',
      );
      assert.equal(await store.rowCount('f', 'a'), 0);
      await rejectsWith(store.appendRows('f', '', good), 'PARAM_INVALID');
      await rejectsWith(store.appendRows('nofleet', 'a', good), 'FLEET_NOT_FOUND');
    });

    withStore('models: versions per key, exact bundle round trip, metadata', async (store) => {
      await store.createFleet('f');
      const bundle = testBundle(7, 300);
      const info = await store.insertModel(
        'f',
        testModel('k', { bundle, metrics: { rmse: 0.25 }, fallbackReason: 'too_few_rows' }),
      );
      assert.equal(info.version, 1);
      assert.equal(info.status, 'candidate');
      assert.equal(info.bundleBytes, 300);
      assert.equal(info.fallbackReason, 'too_few_rows');
      assert.deepEqual(info.metrics, { rmse: 0.25 });
      assert.equal(info.runId, null);
      assert.equal((await store.insertModel('f', testModel('k'))).version, 2);
      assert.equal((await store.insertModel('f', testModel('other'))).version, 1);
      assert.deepEqual(
        await store.insertModels('f', [testModel('k'), testModel('other'), testModel('k')]),
        [3, 2, 4],
      );
      const stored = await store.getModel('f', 'k', 1);
      assert.ok(stored);
      assert.deepEqual(new Uint8Array(stored.bundle), bundle);
      assert.deepEqual(stored.params, { alpha: 1 });
      assert.equal(stored.trainStart, 1000);
      assert.equal(stored.trainEnd, 2000);
      assert.equal(stored.specVersion, 1);
      assert.equal(await store.getModel('f', 'k', 99), undefined);
      assert.equal(await store.getChampion('f', 'k'), undefined);
      assert.deepEqual(
        (await store.history('f', 'k')).map((m) => m.version),
        [4, 3, 2, 1],
      );
      assert.deepEqual(await store.history('f', 'none'), []);
      await rejectsWith(store.insertModel('f', testModel('')), 'PARAM_INVALID');
      await rejectsWith(
        store.insertModels('f', [testModel('k'), testModel('k', { algorithm: '' })]),
        'PARAM_INVALID',
      );
      assert.equal((await store.history('f', 'k')).length, 4); // the failed batch wrote nothing
      await rejectsWith(store.insertModel('nofleet', testModel('k')), 'FLEET_NOT_FOUND');
    });

    withStore('promote, champion read, rollback, events with reasons', async (store) => {
      await store.createFleet('f');
      await store.insertModels(
        'f',
        [1, 2, 3].map((seed) => testModel('k', { bundle: testBundle(seed) })),
      );
      await store.promote('f', 'k', 1, 'first model');
      let champion = await store.getChampion('f', 'k');
      assert.equal(champion!.version, 1);
      assert.equal(champion!.status, 'champion');
      assert.ok(champion!.promotedAt !== null);
      assert.deepEqual(new Uint8Array(champion!.bundle), testBundle(1));
      await store.promote('f', 'k', 2, 'better rmse');
      await store.promote('f', 'k', 2, 'again'); // no-op: already champion
      await store.promote('f', 'k', 3, 'better again');
      assert.deepEqual(champions(await store.history('f', 'k')), [3]);
      assert.deepEqual(
        (await store.history('f', 'k')).map((m) => m.status),
        ['champion', 'archived', 'archived'],
      );
      assert.equal(await store.rollback('f', 'k', 'v3 misbehaves'), 2);
      champion = await store.getChampion('f', 'k');
      assert.equal(champion!.version, 2);
      assert.deepEqual(new Uint8Array(champion!.bundle), testBundle(2));
      assert.equal(await store.rollback('f', 'k'), 1); // one further back, not to v3
      await rejectsWith(store.rollback('f', 'k'), 'MODEL_NOT_FOUND');
      assert.equal((await store.getChampion('f', 'k'))!.version, 1); // failed rollback changed nothing
      await rejectsWith(store.promote('f', 'k', 9), 'MODEL_NOT_FOUND');
      await rejectsWith(store.promote('f', 'nokey', 1), 'MODEL_NOT_FOUND');
      await rejectsWith(store.rollback('f', 'nokey'), 'MODEL_NOT_FOUND');
      const events = (await store.listEvents('f')).items;
      assert.deepEqual(
        events.map((e) => [e.kind, e.reason, e.numbers.version, e.numbers.previous]),
        [
          ['rollback', 'rolled back', 1, 2],
          ['rollback', 'v3 misbehaves', 2, 3],
          ['promote', 'better again', 3, 2],
          ['promote', 'better rmse', 2, 1],
          ['promote', 'first model', 1, 0],
        ],
      );
      assert.ok(events.every((e) => e.key === 'k'));
    });

    withStore('inserting a champion archives the previous one atomically', async (store) => {
      await store.createFleet('f');
      await store.insertModels('f', [
        testModel('a', { status: 'champion' }),
        testModel('b', { status: 'champion' }),
      ]);
      await store.insertModels('f', [testModel('a', { status: 'champion' }), testModel('a')]);
      assert.deepEqual(champions(await store.history('f', 'a')), [2]);
      assert.equal((await store.getChampion('f', 'a'))!.version, 2);
      assert.equal((await store.getChampion('f', 'b'))!.version, 1);
      assert.equal(await store.rollback('f', 'a'), 1);
    });

    withStore('concurrent promotes leave exactly one champion', async (store, harness) => {
      await store.createFleet('f');
      const versions = await store.insertModels(
        'f',
        Array.from({ length: 12 }, () => testModel('k')),
      );
      const second = harness.open(); // a second connection / client on the same storage
      await second.ready();
      try {
        await Promise.all(
          versions.map((v, i) => (i % 2 === 0 ? store : second).promote('f', 'k', v, `race ${v}`)),
        );
      } finally {
        await second.close();
      }
      const winners = champions(await store.history('f', 'k'));
      assert.equal(winners.length, 1);
      assert.equal((await store.getChampion('f', 'k'))!.version, winners[0]);
      assert.equal((await store.listModels('f', { status: 'champion' })).items.length, 1);
    });

    withStore('listModels: filters', async (store) => {
      await store.createFleet('f');
      await store.createFleet('g');
      await store.insertModels('f', [
        testModel('a', { algorithm: 'ridge', metrics: { rmse: 1 } }),
        testModel('b', { algorithm: 'tree', metrics: { rmse: 3, 'r2.test': 0.9 } }),
        testModel('c', {
          algorithm: 'ridge',
          metrics: { rmse: 2 },
          fallbackReason: 'too_few_rows',
          status: 'champion',
        }),
        testModel('d', { algorithm: 'tree', metrics: {} }),
      ]);
      await store.insertModel('g', testModel('a'));
      const keys = async (query: Parameters<Store['listModels']>[1]) =>
        (await store.listModels('f', query)).items.map((m) => m.key).sort();
      assert.deepEqual(await keys({}), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await keys({ algorithm: 'ridge' }), ['a', 'c']);
      assert.deepEqual(await keys({ status: 'champion' }), ['c']);
      assert.deepEqual(await keys({ status: 'candidate' }), ['a', 'b', 'd']);
      assert.deepEqual(await keys({ fallback: true }), ['c']);
      assert.deepEqual(await keys({ fallback: false }), ['a', 'b', 'd']);
      assert.deepEqual(await keys({ key: 'b' }), ['b']);
      assert.deepEqual(await keys({ metric: { name: 'rmse', op: '>', value: 1 } }), ['b', 'c']);
      assert.deepEqual(await keys({ metric: { name: 'rmse', op: '<=', value: 2 } }), ['a', 'c']);
      assert.deepEqual(await keys({ metric: { name: 'rmse', op: '=', value: 3 } }), ['b']);
      assert.deepEqual(await keys({ metric: { name: 'rmse', op: '!=', value: 3 } }), ['a', 'c']);
      assert.deepEqual(await keys({ metric: { name: 'r2.test', op: '>=', value: 0.9 } }), ['b']);
      assert.deepEqual(await keys({ algorithm: 'tree', metric: { name: 'rmse', op: '<', value: 10 } }), [
        'b',
      ]);
      await rejectsWith(
        store.listModels('f', { metric: { name: "x') OR 1=1 --", op: '>', value: 0 } }),
        'PARAM_INVALID',
      );
      await rejectsWith(
        store.listModels('f', { metric: { name: 'rmse', op: 'LIKE' as '<', value: 0 } }),
        'PARAM_INVALID',
      );
      await rejectsWith(store.listModels('f', { limit: 0 }), 'PARAM_INVALID');
      await rejectsWith(store.listModels('f', { limit: 1001 }), 'PARAM_INVALID');
      await rejectsWith(store.listModels('f', { status: 'bogus' as 'champion' }), 'PARAM_INVALID');
    });

    withStore('listModels: stable cursor pagination under concurrent inserts', async (store) => {
      await store.createFleet('f');
      await store.insertModels(
        'f',
        Array.from({ length: 23 }, (_, i) => testModel(`k${i}`)),
      );
      const seen: string[] = [];
      let page = await store.listModels('f', { limit: 5 });
      seen.push(...page.items.map((m) => m.key));
      // New models arrive between page reads: they must not shift or duplicate later pages.
      await store.insertModels(
        'f',
        Array.from({ length: 7 }, (_, i) => testModel(`new${i}`)),
      );
      while (page.nextCursor !== null) {
        page = await store.listModels('f', { limit: 5, cursor: page.nextCursor });
        seen.push(...page.items.map((m) => m.key));
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 23 }, (_, i) => `k${22 - i}`),
      ); // newest first, each once
      const all = await collect((cursor) => store.listModels('f', { limit: 4, cursor }));
      assert.equal(all.length, 30);
      const events = await store
        .listEvents('f', { cursor: (await store.listModels('f', { limit: 1 })).nextCursor })
        .catch((e) => e);
      assert.ok(isAimassError(events, 'PARAM_INVALID'), 'a models cursor is rejected by another listing');
    });

    withStore('pruneVersions keeps the newest N per key and every champion', async (store) => {
      await store.createFleet('f');
      await store.insertModels(
        'f',
        Array.from({ length: 5 }, () => testModel('a')),
      );
      await store.insertModels(
        'f',
        Array.from({ length: 2 }, () => testModel('b')),
      );
      await store.promote('f', 'a', 1);
      assert.equal(await store.pruneVersions('f', { keepLast: 2 }), 2); // a: 2,3 go; 1 is champion
      assert.deepEqual(
        (await store.history('f', 'a')).map((m) => m.version),
        [5, 4, 1],
      );
      assert.deepEqual(
        (await store.history('f', 'b')).map((m) => m.version),
        [2, 1],
      );
      assert.equal(await store.pruneVersions('f', { keepLast: 1 }), 2);
      assert.deepEqual(
        (await store.history('f', 'a')).map((m) => m.version),
        [5, 1],
      );
      assert.equal((await store.getChampion('f', 'a'))!.version, 1);
      assert.equal((await store.insertModel('f', testModel('a'))).version, 6); // versions never reused
      await rejectsWith(store.pruneVersions('f', { keepLast: 0 }), 'PARAM_INVALID');
    });

    withStore('runs and shards: done is atomic and idempotent, progress, completion', async (store) => {
      await store.createFleet('f');
      const run = await store.createRun('f', {
        specVersion: 1,
        keyCount: 5,
        shards: [{ keys: ['a', 'b'] }, { keys: ['c'] }, { keyFrom: 'd', keyTo: 'e', keyCount: 2 }],
      });
      assert.equal(run.status, 'running');
      assert.equal(run.shardCount, 3);
      assert.deepEqual(await store.getRun(run.id), run);
      const shards = await store.listShards(run.id);
      assert.deepEqual(
        shards.map((s) => [s.shard, s.status, s.keyCount]),
        [
          [0, 'pending', 2],
          [1, 'pending', 1],
          [2, 'pending', 2],
        ],
      );
      assert.deepEqual(shards[0].keys, ['a', 'b']);
      assert.deepEqual([shards[2].keys, shards[2].keyFrom, shards[2].keyTo], [null, 'd', 'e']);

      assert.equal(await store.markShardRunning(run.id, 0), true);
      const models = [testModel('a', { status: 'champion' }), testModel('b')];
      assert.deepEqual(await store.markShardDone(run.id, 0, models), { inserted: 2, alreadyDone: false });
      assert.deepEqual(await store.markShardDone(run.id, 0, models), { inserted: 0, alreadyDone: true });
      assert.equal(await store.markShardRunning(run.id, 0), false);
      assert.equal((await store.history('f', 'a')).length, 1); // no duplicates
      const a = (await store.getChampion('f', 'a'))!;
      assert.deepEqual([a.runId, a.shard], [run.id, 0]);
      assert.deepEqual((await store.getShard(run.id, 0))!.modelCount, 2);

      await store.markShardRunning(run.id, 1);
      await store.markShardFailed(run.id, 1, 'worker died');
      let shard1 = (await store.getShard(run.id, 1))!;
      assert.deepEqual([shard1.status, shard1.attempts, shard1.error], ['failed', 1, 'worker died']);
      let progress = (await store.runProgress(run.id))!;
      assert.deepEqual(
        [
          progress.keysDone,
          progress.keysTotal,
          progress.shardsDone,
          progress.shardsFailed,
          progress.modelsWritten,
        ],
        [2, 5, 1, 1, 2],
      );
      assert.ok(progress.modelsPerSecond > 0 && Number.isFinite(progress.modelsPerSecond));
      assert.deepEqual(
        (await store.listShards(run.id, 'pending')).map((s) => s.shard),
        [2],
      );

      await store.markShardRunning(run.id, 1);
      await store.markShardDone(run.id, 1, [], [{ key: 'c', reason: 'all targets missing' }]);
      shard1 = (await store.getShard(run.id, 1))!;
      assert.deepEqual(
        [shard1.status, shard1.attempts, shard1.error, shard1.failureCount],
        ['done', 2, null, 1],
      );
      const failed = (await store.listEvents('f', { kind: 'train_failed' })).items;
      assert.deepEqual(
        failed.map((e) => [e.key, e.runId, e.reason]),
        [['c', run.id, 'all targets missing']],
      );
      assert.equal((await store.getRun(run.id))!.status, 'running');
      await store.markShardDone(run.id, 2, [testModel('d'), testModel('e')]);
      const finished = (await store.getRun(run.id))!;
      assert.equal(finished.status, 'done');
      assert.ok(finished.finishedAt !== null);
      progress = (await store.runProgress(run.id))!;
      assert.deepEqual(
        [progress.keysDone, progress.shardsDone, progress.modelsWritten, progress.keyFailures],
        [5, 3, 4, 1],
      );
      assert.equal(await store.runProgress(run.id + 1000), undefined);
      await rejectsWith(store.markShardDone(run.id, 9, []), 'NOT_FOUND');
    });

    withStore('markShardDone with a bad model writes nothing and leaves the shard open', async (store) => {
      await store.createFleet('f');
      const run = await store.createRun('f', { specVersion: 1, keyCount: 2, shards: [{ keys: ['a', 'b'] }] });
      await rejectsWith(
        store.markShardDone(run.id, 0, [testModel('a'), testModel('b', { rowCount: -1 })]),
        'PARAM_INVALID',
      );
      assert.equal((await store.getShard(run.id, 0))!.status, 'pending');
      assert.deepEqual(await store.history('f', 'a'), []);
    });

    withStore('cancel: a cancelled run refuses new shard commits', async (store) => {
      await store.createFleet('f');
      const run = await store.createRun('f', {
        specVersion: 1,
        keyCount: 2,
        shards: [{ keys: ['a'] }, { keys: ['b'] }],
      });
      await store.markShardDone(run.id, 0, [testModel('a')]);
      await store.cancelRun(run.id, 'user asked');
      assert.deepEqual(
        [(await store.getRun(run.id))!.status, (await store.getRun(run.id))!.error],
        ['cancelled', 'user asked'],
      );
      await store.failRun(run.id, 'too late'); // an ended run keeps its status
      assert.equal((await store.getRun(run.id))!.status, 'cancelled');
      await rejectsWith(store.markShardDone(run.id, 1, [testModel('b')]), 'CANCELLED');
      assert.deepEqual(await store.history('f', 'b'), []);
      assert.equal((await store.runProgress(run.id))!.status, 'cancelled');
      await rejectsWith(store.cancelRun(run.id + 1000), 'NOT_FOUND');
      const second = await store.createRun('f', { specVersion: 1, keyCount: 0, shards: [] });
      const runs = await collect((cursor) => store.listRuns('f', { limit: 1, cursor }));
      assert.deepEqual(
        runs.map((r) => r.id),
        [second.id, run.id],
      );
    });

    withStore('failRun: the run ends failed, late shards still commit', async (store) => {
      await store.createFleet('f');
      const run = await store.createRun('f', {
        specVersion: 1,
        keyCount: 2,
        shards: [{ keys: ['a'] }, { keys: ['b'] }],
      });
      await store.markShardFailed(run.id, 0, 'out of memory');
      await store.failRun(run.id, 'shard 0 exhausted its attempts');
      const failed = (await store.getRun(run.id))!;
      assert.deepEqual([failed.status, failed.error], ['failed', 'shard 0 exhausted its attempts']);
      assert.ok(failed.finishedAt !== null);
      assert.equal((await store.markShardDone(run.id, 1, [testModel('b')])).inserted, 1);
      assert.equal((await store.getRun(run.id))!.status, 'failed');
      assert.equal((await store.runProgress(run.id))!.shardsFailed, 1);
      await rejectsWith(store.failRun(run.id + 1000, 'x'), 'NOT_FOUND');
      const other = await store.createRun('f', { specVersion: 1, keyCount: 1, shards: [{ keys: ['c'] }] });
      await store.cancelRun(other.id);
      assert.equal((await store.getRun(other.id))!.error, 'cancelled'); // default reason
      const empty = await store.createRun('f', { specVersion: 1, keyCount: 0, shards: [] });
      assert.equal(empty.status, 'done'); // nothing to wait for
    });

    withStore('events: append, filter, paginate newest first', async (store) => {
      await store.createFleet('f');
      for (let i = 0; i < 9; i++)
        await store.appendEvent('f', {
          kind: i % 3 === 0 ? 'fallback' : 'drift',
          key: `k${i % 2}`,
          runId: i < 4 ? 7 : null,
          reason: `reason ${i}`,
          numbers: { i, psi: i / 10 },
        });
      const all = await collect((cursor) => store.listEvents('f', { limit: 4, cursor }));
      assert.deepEqual(
        all.map((e) => e.numbers.i),
        [8, 7, 6, 5, 4, 3, 2, 1, 0],
      );
      assert.equal(all[0].reason, 'reason 8');
      assert.deepEqual(all[0].numbers, { i: 8, psi: 0.8 });
      assert.equal(all[8].runId, 7);
      assert.deepEqual(
        (await store.listEvents('f', { kind: 'fallback' })).items.map((e) => e.numbers.i),
        [6, 3, 0],
      );
      assert.deepEqual(
        (await store.listEvents('f', { key: 'k1', runId: 7 })).items.map((e) => e.numbers.i),
        [3, 1],
      );
      await rejectsWith(store.appendEvent('f', { kind: '', reason: 'x' }), 'PARAM_INVALID');
      await rejectsWith(store.appendEvent('nofleet', { kind: 'x', reason: 'x' }), 'FLEET_NOT_FOUND');
    });

    withStore('quarantine: rows with where and why, paginated', async (store) => {
      await store.createFleet('f');
      await store.addQuarantine(
        'f',
        Array.from({ length: 5 }, (_, i) => ({
          source: 'data.csv',
          line: i + 2,
          column: i % 2 ? 'temp' : null,
          key: i === 0 ? null : `k${i}`,
          reason: `bad ${i}`,
          raw: `row ${i}`,
        })),
      );
      const rows = await collect((cursor) => store.listQuarantine('f', { limit: 2, cursor }));
      assert.deepEqual(
        rows.map((r) => r.line),
        [6, 5, 4, 3, 2],
      );
      const last = rows[4];
      assert.deepEqual(
        [last.source, last.column, last.key, last.reason, last.raw],
        ['data.csv', null, null, 'bad 0', 'row 0'],
      );
      assert.equal(rows[3].column, 'temp');
    });

    withStore('reopening keeps everything', async (store, harness) => {
      await store.createFleet('f');
      await store.putSpec('f', { v: 1 });
      await store.appendRows('f', 'k', encodeChunk(createFrame([numberColumn('x', [1, 2, 3])])));
      await store.insertModel('f', testModel('k', { status: 'champion', bundle: testBundle(9, 100) }));
      await store.close();
      const reopened = harness.open();
      await reopened.ready();
      try {
        assert.equal((await reopened.getFleet('f'))!.specVersion, 1);
        assert.equal(await reopened.rowCount('f', 'k'), 3);
        assert.deepEqual(new Uint8Array((await reopened.getChampion('f', 'k'))!.bundle), testBundle(9, 100));
        assert.equal((await reopened.insertModel('f', testModel('k'))).version, 2);
      } finally {
        await reopened.close();
      }
    });
  });
}
