import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { booleanColumn, categoryColumn, createFrame, numberColumn, timeColumn } from '../data/frame.ts';
import { encodeChunk } from './chunk-codec.ts';
import type { Store } from './store.ts';
import { ingestConformance } from './store-conformance-ingest.ts';
import { modelConformance } from './store-conformance-models.ts';
import { runConformance } from './store-conformance-runs.ts';
import { collect, rejectsWith, type StoreHarness, testBundle, testModel } from './store-test-helpers.ts';

export type { StoreHarness } from './store-test-helpers.ts';
export { testBundle, testModel } from './store-test-helpers.ts';

/** Fresh, empty storage per call (a temp file, a new PostgreSQL schema, …). */
export type StoreFactory = () => Promise<StoreHarness>;

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
    modelConformance(withStore);
    runConformance(withStore);
    ingestConformance(withStore);
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
