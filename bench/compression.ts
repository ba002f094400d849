import type { WeightsQuantization } from '../src/core/binary.ts';
import { readCsv } from '../src/data/csv/index.ts';
import { numericValues } from '../src/data/frame.ts';
import { encodeEntityBundle } from '../src/fleet/bundle.ts';
import { loadPredictor } from '../src/fleet/load-predictor.ts';
import { getEstimator } from '../src/models/registry.ts';
import type { BenchArgs } from './lib/args.ts';
import { fleetCsv } from './lib/data.ts';
import { FEATURES, firstEntities, type KeptModel, runDeviceLoop } from './lib/per-device.ts';
import type { Reporter } from './lib/report.ts';
import { mean } from './lib/stats.ts';

const MODES: readonly WeightsQuantization[] = ['none', 'f32', 'f16', 'i8'];
const CASES: readonly { algorithm: string; params: Record<string, unknown> }[] = [
  { algorithm: 'ridge', params: { alpha: 1 } },
  { algorithm: 'decision-tree', params: { maxDepth: 6 } },
  { algorithm: 'hist-gradient-boosting', params: { maxIter: 50 } },
];
/** Cost-complexity pruning strengths (in units of the tree's squared-error impurity). */
const CCP_ALPHAS = [0, 0.005, 0.02, 0.1];

function rmse(truth: Float64Array, predicted: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (truth[i] - predicted[i]) ** 2;
  return Math.sqrt(sum / truth.length);
}

function bundleOf(kept: KeptModel, algorithm: string, quantize: WeightsQuantization): Uint8Array {
  const estimator = getEstimator(algorithm);
  const meta = {
    fleet: 'bench',
    key: kept.key,
    version: 1,
    specVersion: 1,
    params: {},
    metrics: {},
    trainingRows: kept.trainRows,
    dataRange: null,
    createdAtMs: 0,
    fallbackReason: null,
  };
  return encodeEntityBundle(
    {
      task: 'regression',
      inputColumns: FEATURES.map((name) => ({ name, type: 'number' })),
      pipeline: kept.pipeline,
      model: { kind: 'estimator', estimator, state: kept.state },
    },
    meta,
    quantize,
  );
}

/**
 * What compression costs in accuracy: per device (BASELINE.md's split and pipeline), the bundle is
 * encoded with each quantization of learned floats, decoded, and scored on the device's test rows;
 * and decision trees are pruned by cost complexity. Figures: bytes per model, mean test RMSE, and
 * the RMSE change against the exact bundle / the unpruned tree, in percent.
 */
export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  const devices = args.devices ?? 300;
  const { frame: all } = await readCsv(fleetCsv(2000, 500), {
    schema: { ts: { type: 'time', unit: 'seconds' } },
  });
  const frame = firstEntities(all, 'device_id', devices);
  const base = { bench: 'compression', devices };
  for (const { algorithm, params } of CASES) {
    const loop = runDeviceLoop(
      frame,
      { estimator: getEstimator(algorithm), params, target: 'target_reg', classification: false },
      devices,
    );
    let exact = Number.NaN;
    for (const mode of MODES) {
      const scores: number[] = [];
      const sizes: number[] = [];
      for (const kept of loop.kept) {
        const bytes = bundleOf(kept, algorithm, mode);
        sizes.push(bytes.length);
        scores.push(
          rmse(numericValues(kept.test, 'target_reg'), loadPredictor(bytes).predict(kept.test).values),
        );
      }
      const value = mean(scores);
      if (mode === 'none') exact = value;
      const caseName = `${algorithm}_${mode}`;
      reporter.figure({ ...base, case: caseName, metric: 'bytes_per_model', value: mean(sizes), unit: 'B' });
      reporter.figure({ ...base, case: caseName, metric: 'mean_test_rmse', value, unit: 'target' });
      reporter.figure({
        ...base,
        case: caseName,
        metric: 'rmse_change_pct',
        value: (100 * (value - exact)) / exact,
        unit: '%',
      });
    }
  }
  let unpruned = Number.NaN;
  for (const ccpAlpha of CCP_ALPHAS) {
    const loop = runDeviceLoop(
      frame,
      {
        estimator: getEstimator('decision-tree'),
        params: { maxDepth: 6, ccpAlpha },
        target: 'target_reg',
        classification: false,
      },
      devices,
    );
    const scores = loop.kept.map((kept) =>
      rmse(
        numericValues(kept.test, 'target_reg'),
        loadPredictor(bundleOf(kept, 'decision-tree', 'none')).predict(kept.test).values,
      ),
    );
    const sizes = loop.kept.map((kept) => bundleOf(kept, 'decision-tree', 'none').length);
    const value = mean(scores);
    if (ccpAlpha === 0) unpruned = value;
    const caseName = `decision-tree_ccp_${ccpAlpha}`;
    reporter.figure({ ...base, case: caseName, metric: 'bytes_per_model', value: mean(sizes), unit: 'B' });
    reporter.figure({ ...base, case: caseName, metric: 'mean_test_rmse', value, unit: 'target' });
    reporter.figure({
      ...base,
      case: caseName,
      metric: 'rmse_change_pct',
      value: (100 * (value - unpruned)) / unpruned,
      unit: '%',
    });
  }
}
