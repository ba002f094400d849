import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { categoryColumn, numericValues, withColumns } from '../../src/data/index.ts';
import { FALLBACK_KEY } from '../../src/fleet/keys.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';
import {
  allModels,
  createFleet,
  csvFrame,
  generateCsv,
  openEngine,
  tempDir,
  truncateKeys,
} from './helpers.ts';

// A classification fleet whose target is a string column ("alarm" / "normal", from the
// generator's 0/1 class), one entity cut under minRows so the global fallback serves it.
const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
const temp = tempDir('string-labels');
after(() => temp.cleanup());

test('string class labels through a fleet: own models and the fallback answer with the labels', async () => {
  const engine = await openEngine(temp.dir);
  try {
    const csv = truncateKeys(
      generateCsv(['--devices', '6', '--rows', '200', '--seed', '3']),
      new Set(['dev-0000005']),
      12,
    );
    const numeric = csvFrame(csv, ['device_id', 'ts', ...FEATURES, 'target_cls']);
    const labels = Array.from(numericValues(numeric, 'target_cls'), (v) =>
      Number.isNaN(v) ? null : v === 1 ? 'alarm' : 'normal',
    );
    const frame = withColumns(numeric, [categoryColumn('target_cls', labels)]);
    await createFleet(
      engine.store,
      {
        name: 'cls',
        key: 'device_id',
        time: 'ts',
        target: 'target_cls',
        task: 'classification',
        features: FEATURES,
        preprocess: [{ step: 'impute', params: { strategy: 'median' } }, 'standardize'],
        shardSize: 3,
      },
      frame,
    );
    const summary = await trainFleet({ store: engine.store, queue: engine.queue, fleet: 'cls', threads: 0 });
    assert.equal(summary.status, 'done');
    assert.equal(summary.failures, 0);
    const champions = await allModels(engine.store, 'cls', { status: 'champion' });
    const own = champions.filter((m) => m.bundleBytes > 0);
    assert.ok(
      own.some((m) => m.key === FALLBACK_KEY),
      'the global fallback trained on string labels',
    );
    assert.ok(own.length >= 5);
    assert.equal(champions.find((m) => m.key === 'dev-0000005')?.fallbackReason, 'too_few_rows');
    for (const model of own) {
      assert.ok(model.metrics.accuracy > 0.6, `${model.key} accuracy ${model.metrics.accuracy}`);
      const predictor = loadPredictor(
        (await engine.store.getChampion('cls', model.key))?.bundle as Uint8Array,
      );
      assert.deepEqual(predictor.classLabels, ['alarm', 'normal']);
      const rows = await engine.store.readRows('cls', model.key === FALLBACK_KEY ? 'dev-0000005' : model.key);
      const prediction = predictor.predict(rows);
      assert.deepEqual(prediction.classes, ['alarm', 'normal']);
      for (const v of prediction.values) assert.ok(v === 0 || v === 1);
    }
  } finally {
    await engine.close();
  }
});
