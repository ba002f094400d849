import type { Frame } from '../data/frame.ts';
import { findColumn } from '../data/frame.ts';

/**
 * What describes an entity for clustering: mean and standard deviation of the target and of each
 * input feature (missing values skipped; an all-missing column gives 0, 0). Entities of one
 * cluster have similar levels and spreads, so a model pooled over them fits each better than one
 * global model, which matters most for entities too small to have their own.
 */
export function entitySummary(
  frame: Frame,
  target: string | null,
  features: readonly string[],
  out?: Float64Array,
): Float64Array {
  const names = target === null ? features : [target, ...features];
  const summary = out ?? new Float64Array(names.length * 2);
  for (let j = 0; j < names.length; j++) {
    const column = findColumn(frame, names[j]);
    let count = 0;
    let mean = 0;
    let m2 = 0;
    if (column && (column.type === 'number' || column.type === 'time')) {
      // Welford: one pass, stable for large levels.
      for (const value of column.values) {
        if (Number.isNaN(value) || !Number.isFinite(value)) continue;
        count++;
        const delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
      }
    }
    summary[2 * j] = count > 0 ? mean : 0;
    summary[2 * j + 1] = count > 1 ? Math.sqrt(m2 / count) : 0;
  }
  return summary;
}

/** Per-dimension centring and scaling of summaries, fitted on the sampled entities. */
export interface SummaryScaler {
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

export function fitSummaryScaler(rows: readonly Float64Array[]): SummaryScaler {
  const dims = rows[0]?.length ?? 0;
  const mean = new Float64Array(dims);
  const scale = new Float64Array(dims);
  for (const row of rows) for (let d = 0; d < dims; d++) mean[d] += row[d] / rows.length;
  for (const row of rows) for (let d = 0; d < dims; d++) scale[d] += (row[d] - mean[d]) ** 2 / rows.length;
  for (let d = 0; d < dims; d++) scale[d] = scale[d] > 0 ? Math.sqrt(scale[d]) : 1;
  return { mean, scale };
}

export function scaleSummary(summary: Float64Array, scaler: SummaryScaler): Float64Array {
  const out = new Float64Array(summary.length);
  for (let d = 0; d < summary.length; d++) out[d] = (summary[d] - scaler.mean[d]) / scaler.scale[d];
  return out;
}

/** Index of the nearest centre (squared Euclidean) among `k` centres of `dims` values. */
export function nearestCenter(point: Float64Array, centers: Float64Array, k: number): number {
  const dims = point.length;
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let c = 0; c < k; c++) {
    let distance = 0;
    for (let d = 0; d < dims; d++) distance += (point[d] - centers[c * dims + d]) ** 2;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = c;
    }
  }
  return best;
}
