import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createRng } from '../../src/core/rng.ts';
import { numericValues, takeFrameRows } from '../../src/data/index.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import { estimators } from '../../src/models/registry.ts';
import { trainFleet } from '../../src/train/run-fleet.ts';
import {
  allModels,
  createFleet,
  csvFrame,
  type Engine,
  generateCsv,
  mean,
  openEngine,
  tempDir,
} from './helpers.ts';

// An anomaly fleet (no target) on 10 generated devices × 300 rows of f1..f8, with SPIKES rows per
// device whose every feature is pushed 12 device standard deviations away (random signs). The
// generator's own corruptions stay in: missing cells and rare single-feature spikes (5–15 sd).
const DEVICES = 10;
const ROWS = 300;
const SPIKES = 3;
const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];

const temp = tempDir('anomaly-fleet');
let engine: Engine | undefined;
after(async () => {
  await engine?.close();
  temp.cleanup();
});

/** Mean and standard deviation of the present values. */
function moments(values: Float64Array): { mean: number; sd: number } {
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    squares += v * v;
  }
  const m = sum / n;
  return { mean: m, sd: Math.sqrt(Math.max(0, squares / n - m * m)) };
}

test('anomaly fleet: injected multi-feature spikes score above normal rows and are flagged', {
  // Evaluated when the file loads: runs as soon as the trees engineer registers the estimator.
  skip: estimators.has('robust-detector') ? false : 'robust-detector not registered',
}, async (t) => {
  engine = await openEngine(temp.dir);
  const { store, queue } = engine;
  const frame = csvFrame(generateCsv(['--devices', String(DEVICES), '--rows', String(ROWS), '--seed', '2']), [
    'device_id',
    'ts',
    ...FEATURES,
  ]);
  // Rows are device-major: device d owns rows [d·ROWS, (d+1)·ROWS). Spiked rows, per device.
  const rng = createRng(7);
  const spiked = new Map<string, Set<number>>();
  for (let d = 0; d < DEVICES; d++) {
    const rows = new Set<number>();
    while (rows.size < SPIKES) rows.add(rng.int(ROWS));
    spiked.set(`dev-${String(d).padStart(7, '0')}`, rows);
    for (const name of FEATURES) {
      const column = numericValues(frame, name);
      const device = column.subarray(d * ROWS, (d + 1) * ROWS);
      const { mean: m, sd } = moments(device);
      for (const row of rows) device[row] = m + (rng.next() < 0.5 ? -12 : 12) * sd;
    }
  }
  await createFleet(
    store,
    {
      name: 'anom',
      key: 'device_id',
      time: 'ts',
      task: 'anomaly',
      features: FEATURES,
      // No outlier clipping here: it would erase what the detector must find.
      preprocess: [{ step: 'impute', params: { strategy: 'median' } }, 'standardize'],
      shardSize: 5,
    },
    frame,
  );
  const summary = await trainFleet({ store, queue, fleet: 'anom', threads: 0 });
  assert.equal(summary.status, 'done');
  assert.equal(summary.entitiesDone, DEVICES);
  assert.equal(summary.fallbacks, 0);

  const champions = await allModels(store, 'anom', { status: 'champion' });
  assert.deepEqual(champions.map((m) => m.key).sort(), [...spiked.keys()].sort());
  const normalFlagRates: number[] = [];
  for (const model of champions) {
    assert.equal(model.algorithm, 'robust-detector', 'the default anomaly candidate');
    assert.equal(model.fallbackReason, null);
    assert.ok(Number.isFinite(model.metrics.anomaly_rate));
    const predictor = loadPredictor((await store.getChampion('anom', model.key))?.bundle as Uint8Array);
    assert.ok(predictor.score, 'anomaly bundles score rows');
    const rows = await store.readRows('anom', model.key);
    assert.equal(rows.rowCount, ROWS);
    const scores = predictor.score(rows);
    const flags = predictor.predict(rows).values;
    const spikes = spiked.get(model.key) as Set<number>;
    const normal = Array.from(scores).filter((_, i) => !spikes.has(i));
    const sorted = [...normal].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(0.99 * (sorted.length - 1))];
    for (const row of spikes) {
      assert.ok(scores[row] > p99, `${model.key} row ${row}: score ${scores[row]} vs normal p99 ${p99}`);
      assert.ok(scores[row] > mean(normal), `${model.key} row ${row}`);
      assert.equal(flags[row], 1, `${model.key} row ${row} flagged`);
    }
    // Scoring is per row: the same rows alone score the same.
    const alone = predictor.score(takeFrameRows(rows, Int32Array.from(spikes)));
    for (const [i, row] of [...spikes].entries()) assert.equal(alone[i], scores[row]);
    normalFlagRates.push(
      Array.from(flags).filter((f, i) => f === 1 && !spikes.has(i)).length / (ROWS - SPIKES),
    );
  }
  t.diagnostic(`share of normal rows flagged, mean over devices: ${mean(normalFlagRates).toFixed(3)}`);
  // The generator's own rare 5-15 sd single-feature spikes count as "normal" here, so not 0.1%.
  assert.ok(mean(normalFlagRates) < 0.03, `normal rows flagged ${mean(normalFlagRates)}`);
});
