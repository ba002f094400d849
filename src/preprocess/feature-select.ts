import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { paramError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import { type Frame, getColumn, withoutColumns } from '../data/frame.ts';
import { correlationRatio, discreteMutualInformation, pearson, quantileBinCodes } from './association.ts';
import { finiteMoments } from './moments.ts';
import { numberValues, resolveNumberColumns } from './number-columns.ts';
import { readColumnNames } from './state-codec.ts';
import type { FitContext, Transformer } from './transformer.ts';

export type FeatureSelectMethod = 'variance' | 'correlation' | 'mutual-info';

export interface FeatureSelectParams {
  /** Candidate columns; `null` (default) = every number column except target, key and time. */
  columns: string[] | null;
  /**
   * Score per column: 'variance' (default; population variance, unsupervised), 'correlation'
   * (|Pearson r| with the target, or the correlation ratio η for a category target) or
   * 'mutual-info' (binned mutual information with the target, in nats).
   */
  method: FeatureSelectMethod;
  /** A column is kept only if its score is strictly greater; default 0 (drops constant columns). */
  threshold: number;
  /** Keep at most the k best-scoring columns (ties: earlier column first); default null = no limit. */
  k: number | null;
  /**
   * Of each pair of columns with |r| above this, drop one: the lower-scoring one for the
   * supervised methods, the later one for 'variance'. Applied before `k`; default null = off.
   */
  dropCollinear: number | null;
}

export interface FeatureSelectState {
  /** Selected columns, in frame order. */
  readonly kept: readonly string[];
  /** Candidates that transform removes; every other column is left as it is. */
  readonly dropped: readonly string[];
}

const NAME = 'feature-select';
const defaults: FeatureSelectParams = {
  columns: null,
  method: 'variance',
  threshold: 0,
  k: null,
  dropCollinear: null,
};
const rules: ParamRules<FeatureSelectParams> = {
  columns: { type: 'stringArray', nullable: true },
  method: { type: 'enum', values: ['variance', 'correlation', 'mutual-info'] },
  threshold: { type: 'number', min: 0 },
  k: { type: 'number', min: 1, integer: true, nullable: true },
  dropCollinear: { type: 'number', min: 0, max: 1, exclusiveMin: true, nullable: true },
};

/** The target as numbers (NaN = missing) or as category codes (-1 = missing). */
type Target =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'category'; codes: Int32Array; levels: number };

function readTarget(frame: Frame, name: string): Target {
  const column = getColumn(frame, name);
  if (column.type === 'category')
    return { kind: 'category', codes: column.codes, levels: column.dictionary.length };
  if (column.type === 'boolean') {
    const codes = new Int32Array(column.values.length);
    for (let i = 0; i < codes.length; i++) codes[i] = column.values[i];
    return { kind: 'category', codes, levels: 2 };
  }
  return { kind: 'numeric', values: column.values };
}

/**
 * Bins per axis for the mutual-information estimate: floor(sqrt(n / 5)) clamped to [2, 10], so
 * cells hold about 5 rows on average at n ≈ 25·bins (400 rows → 8 bins) and the plug-in bias
 * (which grows with bins² / n) stays small next to real dependence.
 */
export function mutualInfoBins(rows: number): number {
  return Math.max(2, Math.min(10, Math.floor(Math.sqrt(rows / 5))));
}

/**
 * Scores each column; NaN and ±Infinity are skipped (supervised scores use rows where both the
 * column and the target are known). A constant or empty column scores 0.
 * Mutual information: both the column and a numeric target are cut into `mutualInfoBins(n)`
 * equal-frequency bins (tied values share a bin; a category/boolean target uses its own codes),
 * then the plug-in estimate Σ p(a,b) ln(p(a,b) / p(a)p(b)). It is a ranking score, not an
 * unbiased estimate: it differs from sklearn's k-NN `mutual_info_regression`.
 */
export function featureScores(
  frame: Frame,
  columns: readonly string[],
  method: FeatureSelectMethod,
  target: string | undefined,
): Float64Array {
  const scores = new Float64Array(columns.length);
  if (method === 'variance') {
    const moments = new Float64Array(3);
    for (let j = 0; j < columns.length; j++) {
      const values = numberValues(NAME, frame, columns[j]);
      finiteMoments(values, moments);
      scores[j] = moments[0] > 0 && !isConstant(values) ? moments[2] : 0;
    }
    return scores;
  }
  if (target === undefined)
    throw paramError(NAME, 'method', method, '"variance" when the fleet has no target column');
  const y = readTarget(frame, target);
  if (method === 'correlation') {
    for (let j = 0; j < columns.length; j++) {
      const x = numberValues(NAME, frame, columns[j]);
      scores[j] =
        y.kind === 'numeric' ? Math.abs(pearson(x, y.values)) : correlationRatio(x, y.codes, y.levels);
    }
    return scores;
  }
  let targetCodes: Int32Array;
  let targetLevels: number;
  if (y.kind === 'numeric') {
    let known = 0;
    for (let i = 0; i < y.values.length; i++) if (Number.isFinite(y.values[i])) known++;
    targetCodes = new Int32Array(y.values.length);
    targetLevels = quantileBinCodes(y.values, mutualInfoBins(known), targetCodes);
  } else {
    targetCodes = y.codes;
    targetLevels = y.levels;
  }
  const codes = new Int32Array(frame.rowCount);
  for (let j = 0; j < columns.length; j++) {
    const x = numberValues(NAME, frame, columns[j]);
    let known = 0;
    for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]) && targetCodes[i] >= 0) known++;
    const levels = quantileBinCodes(x, mutualInfoBins(known), codes);
    scores[j] = discreteMutualInformation(codes, levels, targetCodes, targetLevels);
  }
  return scores;
}

/** sklearn's peak-to-peak guard: a column whose finite values are all equal has variance exactly 0. */
function isConstant(values: Float64Array): boolean {
  let first = Number.NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (Number.isNaN(first)) first = v;
    else if (v !== first) return false;
  }
  return true;
}

/** Indices 0..n-1 by descending score; ties keep the earlier index first. */
function byScore(indices: number[], scores: Float64Array): number[] {
  return indices.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Keeps the columns that carry signal and drops the rest: see `FeatureSelectParams` for the
 * methods and the order of the rules (threshold, then collinear pruning, then top-k).
 * State = kept and dropped names; transform removes the dropped ones only, so unknown columns
 * (target, key, encoded categories) pass untouched and values are never changed: NaN and
 * ±Infinity pass through. The supervised methods need `context.target`. Every candidate can be
 * dropped (e.g. all constant): unlike sklearn this is not an error, per-entity fits must not fail
 * on dull data.
 */
export const featureSelectTransformer: Transformer<FeatureSelectParams, FeatureSelectState> = {
  name: NAME,
  stateVersion: 1,
  params: (given) => resolveParams(NAME, defaults, rules, given),
  fit(frame: Frame, given: unknown, context: FitContext): FeatureSelectState {
    const params = featureSelectTransformer.params(given);
    const columns = resolveNumberColumns(NAME, frame, params.columns, context);
    const scores = featureScores(frame, columns, params.method, context.target);
    let survivors: number[] = [];
    for (let j = 0; j < columns.length; j++) if (scores[j] > params.threshold) survivors.push(j);
    if (params.dropCollinear !== null) {
      const limit = params.dropCollinear;
      const order = params.method === 'variance' ? survivors : byScore([...survivors], scores);
      const chosen: number[] = [];
      for (const j of order) {
        const x = numberValues(NAME, frame, columns[j]);
        let redundant = false;
        for (const c of chosen) {
          if (Math.abs(pearson(x, numberValues(NAME, frame, columns[c]))) > limit) {
            redundant = true;
            break;
          }
        }
        if (!redundant) chosen.push(j);
      }
      survivors = chosen;
    }
    if (params.k !== null && survivors.length > params.k)
      survivors = byScore(survivors, scores).slice(0, params.k);
    const keep = new Uint8Array(columns.length);
    for (const j of survivors) keep[j] = 1;
    return {
      kept: columns.filter((_, j) => keep[j] === 1),
      dropped: columns.filter((_, j) => keep[j] === 0),
    };
  },
  transform(state: FeatureSelectState, frame: Frame): Frame {
    return state.dropped.length === 0 ? frame : withoutColumns(frame, state.dropped);
  },
  encode(state: FeatureSelectState, writer: BinaryWriter): void {
    writer.strings(state.kept);
    writer.strings(state.dropped);
  },
  decode(reader: BinaryReader): FeatureSelectState {
    const kept = readColumnNames(reader);
    const dropped = readColumnNames(reader);
    const keptSet = new Set(kept);
    for (const name of dropped)
      if (keptSet.has(name)) throw reader.corrupt(`column "${name}" both kept and dropped`);
    return { kept, dropped };
  },
};
