import type { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { AimassError } from '../../core/errors.ts';
import type { Matrix } from '../../core/matrix.ts';
import { type ParamRules, resolveParams } from '../../core/params.ts';
import type { Rng } from '../../core/rng.ts';
import type { Estimator } from '../estimator.ts';
import { fitLeastSquares } from '../linear/ridge.ts';
import { outputVector } from '../tree/tree-common.ts';
import { checkFeatureCount, checkMatrix } from '../validate-input.ts';
import { calibrateThreshold } from './calibrate-threshold.ts';
import { robustLocationScale } from './robust-scale.ts';

export interface RobustDetectorParams {
  /** 'auto' picks per entity by calibration; or force 'robust-z' / 'virtual-sensor'. Default 'auto'. */
  method: 'auto' | 'robust-z' | 'virtual-sensor';
  /** Share of normal rows allowed to be flagged. Default 0.001 (0.1%). */
  targetFalseAlarmRate: number;
  /** Latest share of the rows held back to calibrate the threshold. Default 0.2. */
  holdoutFraction: number;
  /** Threshold = max held-back score × margin when too few rows for the quantile. Default 1.25. */
  margin: number;
  /** Lowest threshold in robust standard deviations. Default 3. */
  minThreshold: number;
  /** Ridge penalty of the virtual-sensor regressions. Default 1. */
  alpha: number;
}

/**
 * score = max over features j of |x_j - centre_j| / spread_j (robust z); the virtual sensor also
 * takes the max with each residual's robust z, so it never misses what robust-z sees (a shift of
 * all features together leaves the residuals small but the raw z large).
 */
export interface RobustDetectorState {
  featureCount: number;
  /** 0 = robust-z, 1 = virtual-sensor. */
  method: number;
  centre: Float64Array;
  spread: Float64Array;
  /** Virtual sensor only: row j holds feature j's ridge coefficients on all features (j's own is 0). */
  coef: Float64Array;
  intercept: Float64Array;
  /** Virtual sensor only: robust centre and spread of each feature's residual. */
  residualCentre: Float64Array;
  residualSpread: Float64Array;
  threshold: number;
}

const name = 'robust-detector';
const METHODS = ['auto', 'robust-z', 'virtual-sensor'] as const;
const defaults: RobustDetectorParams = {
  method: 'auto',
  targetFalseAlarmRate: 0.001,
  holdoutFraction: 0.2,
  margin: 1.25,
  minThreshold: 3,
  alpha: 1,
};
const rules: ParamRules<RobustDetectorParams> = {
  method: { type: 'enum', values: METHODS },
  targetFalseAlarmRate: { type: 'number', min: 0, max: 0.5, exclusiveMin: true },
  holdoutFraction: { type: 'number', min: 0, max: 0.5, exclusiveMin: true },
  margin: { type: 'number', min: 1 },
  minThreshold: { type: 'number', min: 0 },
  alpha: { type: 'number', min: 0 },
};
const resolve = (given?: unknown) => resolveParams(name, defaults, rules, given);
/** Fewer rows than this: no hold-out (the threshold is calibrated on the fitting rows themselves). */
const MIN_SPLIT_ROWS = 20;
/** Synthetic shift (robust sds on one feature) used to compare detectors' separation. */
const PROBE_SHIFT = 4;

/** Row r's virtual-sensor residuals: each feature minus its ridge prediction from the others. */
function residualsInto(state: RobustDetectorState, X: Matrix, r: number, out: Float64Array): void {
  const p = X.cols;
  const base = r * p;
  for (let j = 0; j < p; j++) {
    let predicted = state.intercept[j];
    for (let k = 0; k < p; k++) predicted += state.coef[j * p + k] * X.data[base + k];
    out[j] = X.data[base + j] - predicted;
  }
}

/** Robust centre and spread of every column of `values` (n × p) into centre / spread. */
function columnScales(
  values: Float64Array,
  n: number,
  p: number,
  centre: Float64Array,
  spread: Float64Array,
): void {
  const column = new Float64Array(n);
  const deviations = new Float64Array(n);
  const pair = new Float64Array(2);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) column[i] = values[i * p + j];
    robustLocationScale(column, n, deviations, pair);
    centre[j] = pair[0];
    spread[j] = pair[1];
  }
}

function fitMethod(X: Matrix, method: number, alpha: number): RobustDetectorState {
  const n = X.rows;
  const p = X.cols;
  const coef = new Float64Array(method === 1 ? p * p : 0);
  const intercept = new Float64Array(method === 1 ? p : 0);
  if (method === 1) {
    // Feature j from the others: a copy with column j zeroed keeps one matrix shape for all j.
    const others = new Float64Array(n * p);
    const target = new Float64Array(n);
    for (let j = 0; j < p; j++) {
      others.set(X.data);
      for (let i = 0; i < n; i++) {
        target[i] = X.data[i * p + j];
        others[i * p + j] = 0;
      }
      const fitted = fitLeastSquares(name, { data: others, rows: n, cols: p }, target, alpha);
      coef.set(fitted.coef, j * p);
      coef[j * p + j] = 0;
      intercept[j] = fitted.intercept;
    }
  }
  const residualSize = method === 1 ? p : 0;
  const state: RobustDetectorState = {
    featureCount: p,
    method,
    centre: new Float64Array(p),
    spread: new Float64Array(p),
    coef,
    intercept,
    residualCentre: new Float64Array(residualSize),
    residualSpread: new Float64Array(residualSize),
    threshold: Number.POSITIVE_INFINITY,
  };
  columnScales(X.data, n, p, state.centre, state.spread);
  if (method === 1) {
    const residuals = new Float64Array(n * p);
    const row = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      residualsInto(state, X, i, row);
      residuals.set(row, i * p);
    }
    columnScales(residuals, n, p, state.residualCentre, state.residualSpread);
  }
  return state;
}

function scoreRows(state: RobustDetectorState, X: Matrix, out: Float64Array): Float64Array {
  const p = X.cols;
  const row = new Float64Array(p);
  for (let r = 0; r < X.rows; r++) {
    let worst = 0;
    for (let j = 0; j < p; j++)
      worst = Math.max(worst, Math.abs(X.data[r * p + j] - state.centre[j]) / state.spread[j]);
    if (state.method === 1) {
      residualsInto(state, X, r, row);
      for (let j = 0; j < p; j++)
        worst = Math.max(worst, Math.abs(row[j] - state.residualCentre[j]) / state.residualSpread[j]);
    }
    out[r] = worst;
  }
  return out;
}

/** Calibration of one method: its threshold from the held-back tail and its recall on probes. */
interface Calibration {
  method: number;
  threshold: number;
  recall: number;
}

function calibrate(
  head: Matrix,
  tail: Matrix,
  method: number,
  params: Readonly<RobustDetectorParams>,
  probeFeatures: Int32Array,
  probeSigns: Float64Array,
): Calibration {
  const state = fitMethod(head, method, params.alpha);
  const scores = scoreRows(state, tail, new Float64Array(tail.rows));
  const { threshold } = calibrateThreshold(
    scores,
    params.targetFalseAlarmRate,
    params.margin,
    params.minThreshold,
  );
  // Separation: share of held-back rows flagged after a PROBE_SHIFT robust-sd shift of one feature
  // (the same shifted rows for every method, measured in the raw features' robust spread).
  const raw = state;
  const probe = Float64Array.from(tail.data);
  for (let r = 0; r < tail.rows; r++) {
    const j = probeFeatures[r];
    probe[r * tail.cols + j] += probeSigns[r] * PROBE_SHIFT * raw.spread[j];
  }
  const probeScores = scoreRows(state, { data: probe, rows: tail.rows, cols: tail.cols }, scores);
  let caught = 0;
  for (let r = 0; r < tail.rows; r++) if (probeScores[r] > threshold) caught++;
  return { method, threshold, recall: caught / Math.max(1, tail.rows) };
}

/**
 * Per-entity robust anomaly detector. Rows must come in time order: the latest `holdoutFraction`
 * is held back, the detector(s) fitted on the rest, the threshold set for `targetFalseAlarmRate`
 * on the held-back scores; 'auto' keeps the method with the best recall on shifted held-back rows
 * (ties → robust-z, the simpler). Then refitted on all rows, keeping the calibrated threshold.
 * predict = 1 where score > threshold. NaN is rejected: impute first.
 */
export const robustDetector: Estimator<RobustDetectorParams, RobustDetectorState> = {
  name,
  stateVersion: 1,
  tasks: ['anomaly'],
  nanPolicy: 'reject',
  params: resolve,
  fit(X: Matrix, _y: Float64Array | null, given: unknown, rng: Rng): RobustDetectorState {
    const params = resolve(given);
    checkMatrix(name, X, 'reject');
    if (X.rows === 0) throw new AimassError('DATA_INVALID', `${name}: no training rows`, { field: 'X' });
    const n = X.rows;
    const p = X.cols;
    const held = n >= MIN_SPLIT_ROWS ? Math.max(1, Math.round(n * params.holdoutFraction)) : 0;
    const head: Matrix = held > 0 ? { data: X.data.subarray(0, (n - held) * p), rows: n - held, cols: p } : X;
    const tail: Matrix = held > 0 ? { data: X.data.subarray((n - held) * p), rows: held, cols: p } : X;
    const probeFeatures = new Int32Array(tail.rows);
    const probeSigns = new Float64Array(tail.rows);
    for (let r = 0; r < tail.rows; r++) {
      probeFeatures[r] = rng.int(p);
      probeSigns[r] = rng.next() < 0.5 ? -1 : 1;
    }
    // A virtual sensor needs other features to predict from.
    const methods =
      params.method === 'auto' ? (p > 1 ? [0, 1] : [0]) : [params.method === 'robust-z' ? 0 : 1];
    let best: Calibration | null = null;
    for (const method of methods) {
      const result = calibrate(head, tail, method, params, probeFeatures, probeSigns);
      if (!best || result.recall > best.recall) best = result;
    }
    const chosen = best as Calibration;
    const state = fitMethod(X, chosen.method, params.alpha);
    state.threshold = chosen.threshold;
    return state;
  },
  predict(state, X, out) {
    const result = robustDetector.score!(state, X, out);
    for (let r = 0; r < X.rows; r++) result[r] = result[r] > state.threshold ? 1 : 0;
    return result;
  },
  score(state, X, out) {
    checkFeatureCount(name, X, state.featureCount);
    checkMatrix(name, X, 'reject');
    return scoreRows(state, X, outputVector(name, X.rows, out));
  },
  featureCount: (state) => state.featureCount,
  encode(state, writer: BinaryWriter) {
    writer.u32(state.featureCount);
    writer.u8(state.method);
    writer.f64(state.threshold);
    writer.weights(state.centre);
    writer.weights(state.spread);
    if (state.method === 1) {
      writer.weights(state.coef);
      writer.weights(state.intercept);
      writer.weights(state.residualCentre);
      writer.weights(state.residualSpread);
    }
  },
  decode(reader: BinaryReader): RobustDetectorState {
    const featureCount = reader.count(1 << 16, 'feature count');
    const method = reader.u8();
    if (method > 1) throw reader.corrupt(`unknown robust-detector method ${method}`);
    const threshold = reader.finite('threshold');
    const centre = reader.weights();
    const spread = reader.weights();
    const coef = method === 1 ? reader.weights() : new Float64Array(0);
    const intercept = method === 1 ? reader.weights() : new Float64Array(0);
    const residualCentre = method === 1 ? reader.weights() : new Float64Array(0);
    const residualSpread = method === 1 ? reader.weights() : new Float64Array(0);
    if (centre.length !== featureCount || spread.length !== featureCount)
      throw reader.corrupt('robust-detector centre/spread length differs from the feature count');
    const residualLengths =
      intercept.length === featureCount &&
      residualCentre.length === featureCount &&
      residualSpread.length === featureCount;
    if (method === 1 && (coef.length !== featureCount * featureCount || !residualLengths))
      throw reader.corrupt('robust-detector virtual-sensor arrays have the wrong length');
    for (const s of spread) if (!(s > 0)) throw reader.corrupt('robust-detector spread must be > 0');
    for (const s of residualSpread) if (!(s > 0)) throw reader.corrupt('robust-detector spread must be > 0');
    return {
      featureCount,
      method,
      centre,
      spread,
      coef,
      intercept,
      residualCentre,
      residualSpread,
      threshold,
    };
  },
};
