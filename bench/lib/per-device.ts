import { createRng } from '../../src/core/rng.ts';
import { type Frame, numericValues, selectColumns, sliceFrame, toMatrix } from '../../src/data/frame.ts';
import { entityFrame, groupByKey } from '../../src/data/group.ts';
import type { AnyEstimator } from '../../src/models/estimator.ts';
import {
  compilePipeline,
  fitTransformPipeline,
  type PipelineState,
  transformPipeline,
} from '../../src/preprocess/index.ts';

export const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
/** BASELINE.md's Pipeline([SimpleImputer(strategy="median"), StandardScaler(), model]). */
export const BASELINE_PIPELINE = {
  steps: [
    { step: 'impute', params: { strategy: 'median', columns: FEATURES } },
    { step: 'standardize', params: { columns: FEATURES } },
  ],
};
/** py_baseline.py: TEST_FRAC = 0.2, cut = round(n · 0.8), chronological. */
const TRAIN_FRACTION = 0.8;

export interface TabularJob {
  readonly estimator: AnyEstimator;
  /** Given params (one object for every device: estimators may cache its resolution). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly target: 'target_reg' | 'target_cls';
  readonly classification: boolean;
}

/** What the benchmark keeps of one of the first devices, to encode, decode and predict with later. */
export interface KeptModel {
  readonly key: string;
  readonly pipeline: PipelineState;
  readonly state: unknown;
  /** The device's raw test rows (features and target) for the 1-row latency. */
  readonly test: Frame;
  readonly trainRows: number;
  readonly trainTimeRange: { minTimeMs: number; maxTimeMs: number } | null;
  readonly metrics: Record<string, number>;
}

export interface LoopResult {
  readonly seconds: number;
  /** CPU seconds of this thread's process during the loop (user + system): less sensitive to a busy box. */
  readonly cpuSeconds: number;
  readonly devices: number;
  /** Per-device test metrics: rmse and r2, or accuracy and majority_accuracy. */
  readonly metrics: Record<string, Float64Array>;
  readonly kept: KeptModel[];
}

/**
 * One device's unit of work, exactly as py_baseline.py's fit_eval: split, fit the pipeline on the
 * training rows, fit the model on the transformed training matrix, predict the transformed test
 * rows, score. `frame` holds the device's rows in time order.
 */
function fitEvalDevice(
  frame: Frame,
  job: TabularJob,
): { pipeline: PipelineState; state: unknown; m0: number; m1: number; cut: number } {
  const n = frame.rowCount;
  const cut = Math.round(n * TRAIN_FRACTION);
  // Only the features and the target: the pipeline's feature list (what a Predictor reads) is then f1..f8.
  const columns = selectColumns(frame, [...FEATURES, job.target]);
  const train = sliceFrame(columns, 0, cut);
  const test = sliceFrame(columns, cut, n);
  const rng = createRng(0); // random_state=0
  const fitted = fitTransformPipeline(compilePipeline(BASELINE_PIPELINE), train, { target: job.target, rng });
  const X = toMatrix(fitted.frame, FEATURES);
  const y = numericValues(fitted.frame, job.target);
  const state = job.estimator.fit(X, y, job.params, rng);
  const predicted = job.estimator.predict(state, toMatrix(transformPipeline(fitted.state, test), FEATURES));
  const truth = numericValues(test, job.target);
  if (job.classification) {
    let ones = 0;
    for (let i = 0; i < cut; i++) ones += y[i];
    const majority = ones / cut >= 0.5 ? 1 : 0;
    let hits = 0;
    let majorityHits = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === truth[i]) hits++;
      if (truth[i] === majority) majorityHits++;
    }
    return { pipeline: fitted.state, state, m0: hits / truth.length, m1: majorityHits / truth.length, cut };
  }
  let truthMean = 0;
  for (let i = 0; i < truth.length; i++) truthMean += truth[i];
  truthMean /= truth.length;
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < truth.length; i++) {
    sse += (predicted[i] - truth[i]) ** 2;
    sst += (truth[i] - truthMean) ** 2;
  }
  return {
    pipeline: fitted.state,
    state,
    m0: Math.sqrt(sse / truth.length),
    m1: sst > 0 ? 1 - sse / sst : 0,
    cut,
  };
}

/** The first `count` entities' rows of an entity-major frame (a view when it is already grouped). */
export function firstEntities(frame: Frame, key: string, count: number): Frame {
  const grouped = groupByKey(frame, key);
  return sliceFrame(grouped.frame, 0, grouped.offsets[Math.min(count, grouped.keys.length)]);
}

/**
 * The timed per-device loop of BASELINE.md: grouping (pandas' groupby iteration), then every
 * device's split + pipeline + fit + predict + metric. The first `keep` devices' fitted states are
 * kept for the artefact figures (keeping a reference costs nothing measurable).
 */
export function runDeviceLoop(frame: Frame, job: TabularJob, keep: number): LoopResult {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const grouped = groupByKey(frame, 'device_id', { timeColumn: 'ts' });
  const devices = grouped.keys.length;
  const m0 = new Float64Array(devices);
  const m1 = new Float64Array(devices);
  const kept: KeptModel[] = [];
  for (let i = 0; i < devices; i++) {
    const entity = entityFrame(grouped, i);
    const result = fitEvalDevice(entity, job);
    m0[i] = result.m0;
    m1[i] = result.m1;
    if (i < keep) kept.push(keptModel(grouped.keys[i], entity, job, result));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const metrics: Record<string, Float64Array> = job.classification
    ? { accuracy: m0, majority_accuracy: m1 }
    : { rmse: m0, r2: m1 };
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, devices, metrics, kept };
}

function keptModel(
  key: string,
  entity: Frame,
  job: TabularJob,
  result: ReturnType<typeof fitEvalDevice>,
): KeptModel {
  const times = numericValues(entity, 'ts');
  return {
    key,
    pipeline: result.pipeline,
    state: result.state,
    test: sliceFrame(entity, result.cut, entity.rowCount),
    trainRows: result.cut,
    trainTimeRange: result.cut > 0 ? { minTimeMs: times[0], maxTimeMs: times[result.cut - 1] } : null,
    metrics: job.classification
      ? { accuracy: result.m0, majority_accuracy: result.m1 }
      : { rmse: result.m0, r2: result.m1 },
  };
}
