import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCsv } from '../data/csv/index.ts';
import { numericValues, sliceFrame } from '../data/frame.ts';
import { entityFrame, groupByKey } from '../data/group.ts';
import { FALLBACK_KEY } from '../fleet/keys.ts';
import { loadPredictor } from '../fleet/load-predictor.ts';
import { openLocalQueue } from '../queue/local-queue.ts';
import { encodeChunk } from '../store/chunk-codec.ts';
import { openStore } from '../store/open-store.ts';
import { sqlitePathIn } from '../store/sqlite/sqlite-store.ts';
import { sharedDir } from '../testing/fixtures.ts';
import { trainFleet } from './run-fleet.ts';

const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];

test('fallbacks: sparse entities get the cluster or global model that fits them better, and do better than the global model alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aimass-fallback-'));
  try {
    const csv = join(dir, 'fleet.csv');
    const generated = spawnSync(process.execPath, [
      join(sharedDir, 'bench', 'gen-fleet.mjs'),
      '--devices',
      '150',
      '--rows',
      '300',
      '--seed',
      '1',
      '--out',
      csv,
    ]);
    assert.equal(generated.status, 0, String(generated.stderr));
    const { frame } = await readCsv(csv, { schema: { ts: { type: 'time', unit: 'seconds' } } });
    const grouped = groupByKey(frame, 'device_id');
    const store = await openStore({ dataDir: dir });
    const queue = await openLocalQueue({ path: sqlitePathIn(dir), leaseMs: 2000 });
    try {
      await store.createFleet('c');
      await store.putSpec('c', {
        name: 'c',
        key: 'device_id',
        time: 'ts',
        target: 'target_reg',
        task: 'regression',
        features: FEATURES,
        preprocess: [{ step: 'impute', params: { strategy: 'median' } }, 'standardize'],
        candidates: ['ridge'],
        minRows: 30,
        fallback: { global: true, clusters: 5 },
        shardSize: 50,
      });
      const sparse = grouped.keys.map((_, i) => i).filter((i) => i % 10 === 3);
      await store.appendMany(
        'c',
        grouped.keys.map((key, i) => ({
          key,
          chunk: encodeChunk(
            sparse.includes(i) ? sliceFrame(entityFrame(grouped, i), 0, 20) : entityFrame(grouped, i),
          ),
        })),
      );
      const summary = await trainFleet({ store, queue, fleet: 'c', threads: 0 });
      assert.equal(summary.entitiesDone, 150);
      assert.equal(summary.fallbacks >= sparse.length, true);
      const trained = (await store.listEvents('c', { kind: 'fallback_trained', limit: 50 })).items.map(
        (e) => e.key,
      );
      assert.ok(trained.includes(FALLBACK_KEY));
      assert.ok(
        trained.some((key) => key?.startsWith('__cluster__')),
        `cluster models trained: ${trained.join(', ')}`,
      );

      const global = loadPredictor((await store.getChampion('c', FALLBACK_KEY))!.bundle);
      let globalError = 0;
      let servedError = 0;
      for (const i of sparse) {
        const record = (await store.getChampion('c', grouped.keys[i]))!;
        assert.equal(record.fallbackReason, 'too_few_rows');
        // Score on the rows the entity did NOT have at training time.
        const held = sliceFrame(entityFrame(grouped, i), 20, 300);
        const truth = numericValues(held, 'target_reg');
        const rmse = (p: Float64Array) =>
          Math.sqrt(p.reduce((sum, v, k) => sum + (v - truth[k]) ** 2, 0) / truth.length);
        globalError += rmse(global.predict(held).values);
        servedError += rmse(
          (record.bundle.length > 0 ? loadPredictor(record.bundle) : global).predict(held).values,
        );
      }
      assert.ok(
        servedError < globalError,
        `served fallbacks mean RMSE ${servedError / sparse.length} vs global ${globalError / sparse.length}`,
      );
    } finally {
      await queue.close();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
