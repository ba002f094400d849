import assert from 'node:assert/strict';
import { createFrame, numberColumn } from '../data/frame.ts';
import { encodeChunk } from './chunk-codec.ts';
import { rejectsWith, type WithStore } from './store-test-helpers.ts';

function chunk(values: number[]): Uint8Array {
  return encodeChunk(createFrame([numberColumn('x', values)]));
}

/** commitIngest: one transaction; dedupe ids with receipts; cursors; column registry. */
export function ingestConformance(withStore: WithStore): void {
  withStore('ingest: a commit writes chunks, quarantine, ids, cursor and columns together', async (store) => {
    await store.createFleet('f');
    const outcome = await store.commitIngest('f', {
      chunks: [
        { key: 'a', chunk: chunk([1, 2]) },
        { key: 'b', chunk: chunk([3]) },
      ],
      quarantine: [{ source: 'mqtt:t', line: null, column: 'x', key: 'a', reason: 'bad', raw: '{"x":"?"}' }],
      dedupe: { source: 'mqtt:c1', ids: ['m1', 'm2'], receipt: { rows: 3 } },
      cursor: { source: 'sql:q', value: '42' },
      columns: [{ name: 'x', type: 'number' }],
    });
    assert.deepEqual(outcome, { committed: true });
    assert.equal(await store.rowCount('f', 'a'), 2);
    assert.equal(await store.rowCount('f', 'b'), 1);
    assert.equal((await store.listQuarantine('f')).items.length, 1);
    assert.equal(await store.getCursor('f', 'sql:q'), '42');
    assert.equal(await store.getCursor('f', 'sql:other'), undefined);
    assert.deepEqual(await store.dataColumns('f'), [{ name: 'x', type: 'number' }]);
    const receipts = await store.ingestReceipts('f', 'mqtt:c1', ['m1', 'm3']);
    assert.deepEqual([...receipts], [['m1', { rows: 3 }]]);
    assert.equal((await store.ingestReceipts('f', 'other', ['m1'])).size, 0, 'ids are per source');
  });

  withStore('ingest: a batch with a stored id writes nothing and returns the duplicates', async (store) => {
    await store.createFleet('f');
    await store.commitIngest('f', {
      chunks: [{ key: 'a', chunk: chunk([1]) }],
      dedupe: { source: 'http', ids: ['k1'] },
      cursor: { source: 's', value: '1' },
    });
    const again = await store.commitIngest('f', {
      chunks: [{ key: 'a', chunk: chunk([1]) }],
      quarantine: [{ source: 'http', line: 1, column: null, key: null, reason: 'r', raw: null }],
      dedupe: { source: 'http', ids: ['k2', 'k1'] },
      cursor: { source: 's', value: '2' },
      columns: [{ name: 'y', type: 'category' }],
    });
    assert.deepEqual(again, { committed: false, duplicates: [{ id: 'k1', receipt: null }] });
    assert.equal(await store.rowCount('f', 'a'), 1);
    assert.equal((await store.listQuarantine('f')).items.length, 0);
    assert.equal(await store.getCursor('f', 's'), '1');
    assert.deepEqual(await store.dataColumns('f'), []);
    assert.equal((await store.ingestReceipts('f', 'http', ['k2'])).size, 0, 'k2 was not stored either');
  });

  withStore(
    'ingest: a column read as another type than registered refuses the commit (retryable)',
    async (store) => {
      await store.createFleet('f');
      await store.commitIngest('f', { chunks: [], columns: [{ name: 'x', type: 'number' }] });
      const error = await rejectsWith(
        store.commitIngest('f', {
          chunks: [{ key: 'a', chunk: chunk([1]) }],
          columns: [{ name: 'x', type: 'category' }],
        }),
        'DATA_INVALID',
      );
      assert.equal(error.retryable, true);
      assert.match(error.message, /"x" holds number values/);
      assert.equal(await store.rowCount('f', 'a'), 0, 'nothing of the refused commit is stored');
      await store.commitIngest('f', {
        chunks: [],
        columns: [
          { name: 'x', type: 'number' },
          { name: 'a', type: 'time' },
        ],
      });
      assert.deepEqual(
        (await store.dataColumns('f')).map((c) => [c.name, c.type]),
        [
          ['a', 'time'],
          ['x', 'number'],
        ],
      );
    },
  );

  withStore('ingest: bad arguments are PARAM_INVALID; unknown fleet FLEET_NOT_FOUND', async (store) => {
    await store.createFleet('f');
    await rejectsWith(store.commitIngest('ghost', { chunks: [] }), 'FLEET_NOT_FOUND');
    await rejectsWith(
      store.commitIngest('f', { chunks: [], dedupe: { source: '', ids: ['a'] } }),
      'PARAM_INVALID',
    );
    await rejectsWith(
      store.commitIngest('f', { chunks: [], dedupe: { source: 's', ids: ['a', 'a'] } }),
      'PARAM_INVALID',
    );
    await rejectsWith(
      store.commitIngest('f', { chunks: [], columns: [{ name: 'x', type: 'text' as never }] }),
      'PARAM_INVALID',
    );
  });

  withStore('ingest: ids beyond keepLast are forgotten, whole commits at a time', async (store) => {
    await store.createFleet('f');
    // Enough commits to pass the lazy prune interval.
    for (let i = 0; i < 450; i++)
      await store.commitIngest('f', { chunks: [], dedupe: { source: 'q', ids: [`m${i}`], keepLast: 100 } });
    const old = await store.ingestReceipts('f', 'q', ['m0', 'm1']);
    assert.equal(old.size, 0, 'the oldest ids are pruned');
    const recent = await store.ingestReceipts('f', 'q', ['m449', 'm448', 'm420']);
    assert.equal(recent.size, 3, 'the newest keepLast ids are kept');
  });
}
