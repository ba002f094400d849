import assert from 'node:assert/strict';
import { isAimassError } from '../core/errors.ts';
import type { Store } from './store.ts';
import {
  champions,
  collect,
  rejectsWith,
  testBundle,
  testModel,
  type WithStore,
} from './store-test-helpers.ts';

/** Model versions: insert, champion, promote/rollback, listing, pruning. */
export function modelConformance(withStore: WithStore): void {
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
    assert.deepEqual(await keys({ algorithm: 'tree', metric: { name: 'rmse', op: '<', value: 10 } }), ['b']);
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

  withStore(
    'trials are stored with their version, in order; failed scores as null; pruned with it',
    async (store) => {
      await store.createFleet('f');
      const trials = [
        { algorithm: 'baseline-mean', params: {}, score: 2.5, millis: 0.1 },
        { algorithm: 'ridge', params: { alpha: 0.01 }, score: 1.25, millis: 0.4 },
        {
          algorithm: 'mlp',
          params: { maxIter: 3 },
          score: Number.NaN,
          error: 'DATA_INVALID: X has NaN',
          millis: 2,
        },
      ];
      await store.insertModels('f', [
        testModel('k', { trials }),
        testModel('k'),
        testModel('j', { trials: [] }),
      ]);
      assert.deepEqual(await store.modelTrials('f', 'k', 1), [
        trials[0],
        trials[1],
        {
          algorithm: 'mlp',
          params: { maxIter: 3 },
          score: null,
          error: 'DATA_INVALID: X has NaN',
          millis: 2,
        },
      ]);
      assert.deepEqual(await store.modelTrials('f', 'k', 2), []); // none stored
      assert.deepEqual(await store.modelTrials('f', 'j', 1), []);
      assert.equal(await store.modelTrials('f', 'k', 3), undefined);
      assert.equal(await store.modelTrials('f', 'nokey', 1), undefined);
      assert.equal(await store.modelTrials('nofleet', 'k', 1), undefined);
      // Listings and champions are unchanged by trials (they are not part of ModelInfo).
      assert.equal('trials' in (await store.history('f', 'k'))[1], false);
      await store.promote('f', 'k', 2);
      assert.equal(await store.pruneVersions('f', { keepLast: 1 }), 1);
      assert.equal(await store.modelTrials('f', 'k', 1), undefined);
      // A new version 1 of another fleet does not see the pruned trials.
      await store.createFleet('g');
      await store.insertModel('g', testModel('k'));
      assert.deepEqual(await store.modelTrials('g', 'k', 1), []);
      await rejectsWith(
        store.insertModel('f', testModel('k', { trials: 'many' as unknown as [] })),
        'PARAM_INVALID',
      );
    },
  );
}
