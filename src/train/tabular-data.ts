import type { Matrix } from '../core/matrix.ts';
import type { Rng } from '../core/rng.ts';
import { type Frame, numericValues, takeFrameRows, toMatrix } from '../data/frame.ts';
import type { CompiledPlan } from '../fleet/plan.ts';
import type { FleetSpec } from '../fleet/spec.ts';
import {
  featureColumns,
  fitTransformPipeline,
  type PipelineState,
  transformPipeline,
} from '../preprocess/pipeline.ts';

/** A supervised design matrix with its target; rows whose target is missing are left out. */
export interface Supervised {
  readonly X: Matrix;
  readonly y: Float64Array;
}

/** Keeps rows whose target is a number (a missing target cannot be learned from or scored). */
export function withTarget(X: Matrix, y: Float64Array): Supervised {
  let kept = 0;
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i])) kept++;
  if (kept === y.length) return { X, y };
  const data = new Float64Array(kept * X.cols);
  const target = new Float64Array(kept);
  for (let i = 0, k = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) continue;
    data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), k * X.cols);
    target[k++] = y[i];
  }
  return { X: { data, rows: kept, cols: X.cols }, y: target };
}

/** Fits the spec's pipeline on `frame` (training mode: row drops apply) and builds X, y. */
export function fitDesign(
  plan: CompiledPlan,
  frame: Frame,
  rng: Rng,
): { pipeline: PipelineState; data: Supervised } {
  const { spec } = plan;
  const { state, frame: transformed } = fitTransformPipeline(plan.pipeline, frame, {
    target: spec.target ?? undefined,
    key: spec.key,
    time: spec.time ?? undefined,
    rng,
  });
  const X = toMatrix(transformed, featureColumns(state));
  const y = spec.target === null ? new Float64Array(X.rows) : numericValues(transformed, spec.target);
  return { pipeline: state, data: withTarget(X, y) };
}

/** Replays a fitted pipeline on `frame` (prediction mode: every row kept) and builds X, y. */
export function applyDesign(spec: FleetSpec, pipeline: PipelineState, frame: Frame): Supervised {
  const transformed = transformPipeline(pipeline, frame);
  const X = toMatrix(transformed, featureColumns(pipeline));
  const y = spec.target === null ? new Float64Array(X.rows) : numericValues(frame, spec.target);
  return withTarget(X, y);
}

/** Rows of `frame` at `indices` (a zero-copy view would need contiguity; entities are small). */
export function rowsOf(frame: Frame, indices: Int32Array): Frame {
  return takeFrameRows(frame, indices);
}

/** Concatenates two index sets. */
export function unionIndices(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
