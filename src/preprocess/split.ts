import { paramError } from '../core/errors.ts';
import { permutation, type Rng } from '../core/rng.ts';
import { type Frame, findColumn, getColumn } from '../data/frame.ts';

/**
 * Train / validation / test index sets. Fractions are of all rows; they may sum to less than 1
 * (the remaining rows are in no set: subsampling). Sizes come from rounding the cumulative
 * boundaries (round(train·n), round((train+validation)·n), …) so they never exceed n and always
 * add up to round(sum·n).
 */
export interface SplitFractions {
  readonly train: number;
  readonly validation: number;
  readonly test: number;
}

export interface SplitIndices {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

export type SplitMethod = 'random' | 'stratified' | 'time';

export interface SplitSpec {
  /** Default 'random'. */
  readonly method?: SplitMethod;
  /** Default { train: 0.7, validation: 0.15, test: 0.15 }. */
  readonly fractions?: Partial<SplitFractions>;
}

export const DEFAULT_SPLIT_FRACTIONS: SplitFractions = Object.freeze({
  train: 0.7,
  validation: 0.15,
  test: 0.15,
});

const FIELDS = ['train', 'validation', 'test'] as const;

/**
 * Validates fractions: an object with any of train / validation / test (absent = 0), each a
 * number in [0, 1], summing to at most 1. Errors are PARAM_INVALID naming `<prefix>.<field>`.
 */
export function resolveSplitFractions(given: unknown, prefix = 'fractions'): SplitFractions {
  if (given === undefined) return DEFAULT_SPLIT_FRACTIONS;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw paramError('split', prefix, given, 'an object { train, validation, test }');
  const input = given as Record<string, unknown>;
  for (const key of Object.keys(input))
    if (!(FIELDS as readonly string[]).includes(key))
      throw paramError('split', `${prefix}.${key}`, input[key], 'one of the fields train, validation, test');
  const out = { train: 0, validation: 0, test: 0 };
  for (const field of FIELDS) {
    const value = input[field] ?? 0;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
      throw paramError('split', `${prefix}.${field}`, value, 'a number between 0 and 1');
    out[field] = value;
  }
  const sum = out.train + out.validation + out.test;
  if (sum > 1 + 1e-9) throw paramError('split', prefix, given, `fractions summing to at most 1 (got ${sum})`);
  return Object.freeze(out);
}

/** The three cut points of `n` ordered items. */
function boundaries(n: number, f: SplitFractions): [number, number, number] {
  const a = Math.min(n, Math.round(f.train * n));
  const b = Math.min(n, Math.max(a, Math.round((f.train + f.validation) * n)));
  const c = Math.min(n, Math.max(b, Math.round((f.train + f.validation + f.test) * n)));
  return [a, b, c];
}

function cut(order: Int32Array, f: SplitFractions, sort: boolean): SplitIndices {
  const [a, b, c] = boundaries(order.length, f);
  const take = (from: number, to: number) => {
    const part = order.slice(from, to);
    return sort ? part.sort() : part;
  };
  return { train: take(0, a), validation: take(a, b), test: take(b, c) };
}

/** Uniformly random sets (seeded); each set's indices ascending. */
export function randomSplit(rowCount: number, fractions: unknown, rng: Rng): SplitIndices {
  const f = resolveSplitFractions(fractions);
  return cut(permutation(rowCount, rng), f, true);
}

/**
 * Random within each class (labels: class codes or values; missing labels, NaN or code -1, form
 * a class of their own), so every set keeps the class proportions up to per-class rounding.
 * Classes are visited in order of first appearance, so the same seed gives the same sets.
 */
export function stratifiedSplit(labels: ArrayLike<number>, fractions: unknown, rng: Rng): SplitIndices {
  const f = resolveSplitFractions(fractions);
  const n = labels.length;
  const classOf = new Int32Array(n);
  const ids = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const label = Number.isNaN(labels[i]) ? Number.NaN : labels[i];
    let id = ids.get(label);
    if (id === undefined) ids.set(label, (id = ids.size));
    classOf[i] = id;
  }
  const starts = new Int32Array(ids.size + 1);
  for (let i = 0; i < n; i++) starts[classOf[i] + 1]++;
  for (let k = 0; k < ids.size; k++) starts[k + 1] += starts[k];
  const fill = starts.slice(0, ids.size);
  const byClass = new Int32Array(n);
  for (let i = 0; i < n; i++) byClass[fill[classOf[i]]++] = i;
  const parts: SplitIndices[] = [];
  for (let k = 0; k < ids.size; k++) {
    const rows = byClass.subarray(starts[k], starts[k + 1]);
    const shuffled = permutation(rows.length, rng);
    parts.push(
      cut(
        Int32Array.from(shuffled, (p) => rows[p]),
        f,
        false,
      ),
    );
  }
  const join = (pick: (s: SplitIndices) => Int32Array) => {
    const out = new Int32Array(parts.reduce((total, s) => total + pick(s).length, 0));
    let at = 0;
    for (const s of parts) {
      out.set(pick(s), at);
      at += pick(s).length;
    }
    return out.sort();
  };
  return { train: join((s) => s.train), validation: join((s) => s.validation), test: join((s) => s.test) };
}

/**
 * Chronological: the earliest rows train, the next validate, the latest test (no shuffling, so no
 * look-ahead). Orders by `times` when given (stable; missing times last), else by row order.
 * Each set is returned in time order.
 */
export function timeSplit(rowCount: number, fractions: unknown, times?: Float64Array): SplitIndices {
  const f = resolveSplitFractions(fractions);
  const order = Int32Array.from({ length: rowCount }, (_, i) => i);
  if (times) {
    const at = (row: number) => (Number.isNaN(times[row]) ? Number.POSITIVE_INFINITY : times[row]);
    let sorted = true;
    for (let i = 1; i < rowCount && sorted; i++) sorted = at(i - 1) <= at(i);
    if (!sorted) order.sort((a, b) => at(a) - at(b) || a - b);
  }
  return cut(order, f, false);
}

/**
 * Splits a frame per a spec: 'stratified' uses the target column's classes (category codes,
 * booleans or numbers), 'time' the time column when the frame has it (else row order).
 */
export function splitFrame(
  frame: Frame,
  spec: SplitSpec,
  context: { readonly target?: string; readonly time?: string; readonly rng: Rng },
): SplitIndices {
  const method = spec.method ?? 'random';
  if (method === 'random') return randomSplit(frame.rowCount, spec.fractions, context.rng);
  if (method === 'time') {
    const time = context.time === undefined ? undefined : findColumn(frame, context.time);
    const times = time && (time.type === 'time' || time.type === 'number') ? time.values : undefined;
    return timeSplit(frame.rowCount, spec.fractions, times);
  }
  if (method === 'stratified') {
    if (context.target === undefined)
      throw paramError('split', 'method', method, "a target for 'stratified'");
    const target = getColumn(frame, context.target);
    const labels = target.type === 'category' ? target.codes : target.values;
    return stratifiedSplit(labels, spec.fractions, context.rng);
  }
  throw paramError('split', 'method', method, "one of 'random', 'stratified', 'time'");
}
