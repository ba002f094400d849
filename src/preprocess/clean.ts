import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { paramError } from '../core/errors.ts';
import { type ParamRules, resolveParams } from '../core/params.ts';
import {
  type CategoryColumn,
  type Column,
  type Frame,
  findColumn,
  getColumn,
  takeFrameRows,
} from '../data/frame.ts';
import type { FitContext, Transformer, TransformOptions } from './transformer.ts';

/**
 * Structural cleaning. Category normalisation is a pure function of each dictionary entry, so it
 * costs one pass over the dictionary plus one code remap per row, never a string per row.
 * Cells that match a missing token (after trimming, case-insensitively) become missing.
 * Training mode also drops exact duplicate rows and rows whose target is missing; prediction
 * mode never drops a row.
 */
export interface CleanParams {
  /** Category columns to trim / case-fold; null = every category column except the key. Default null. */
  columns: string[] | null;
  /** Strip leading/trailing whitespace. Default true. */
  trim: boolean;
  /** Lower-case (locale-independent `toLowerCase`). Default true. */
  caseFold: boolean;
  /** Cell texts read as missing (matched trimmed, case-insensitively). Default '', NA, N/A, null, NaN, -, ?. */
  missingTokens: string[];
  /** Training only: drop rows identical in every column to an earlier row. Default true. */
  dropDuplicates: boolean;
  /** Training only: drop rows whose target (context.target) is missing. Default true. */
  dropMissingTarget: boolean;
  /** Category columns parsed into number columns ("1,234.5" → 1234.5; unparseable → NaN). Default []. */
  coerceNumeric: string[];
  /** Thousands separator removed before parsing; '' = none. Default ','. */
  thousandsSeparator: string;
  /** Decimal separator. Default '.'. */
  decimalSeparator: string;
}

export const DEFAULT_MISSING_TOKENS: readonly string[] = ['', 'NA', 'N/A', 'null', 'NaN', '-', '?'];

const defaults: CleanParams = {
  columns: null,
  trim: true,
  caseFold: true,
  missingTokens: [...DEFAULT_MISSING_TOKENS],
  dropDuplicates: true,
  dropMissingTarget: true,
  coerceNumeric: [],
  thousandsSeparator: ',',
  decimalSeparator: '.',
};

const rules: ParamRules<CleanParams> = {
  columns: { type: 'stringArray', nullable: true },
  trim: { type: 'boolean' },
  caseFold: { type: 'boolean' },
  missingTokens: { type: 'stringArray' },
  dropDuplicates: { type: 'boolean' },
  dropMissingTarget: { type: 'boolean' },
  coerceNumeric: { type: 'stringArray' },
  thousandsSeparator: { type: 'string', maxLength: 1 },
  decimalSeparator: { type: 'string', maxLength: 1 },
};

/** Fit learns no values: the state is the resolved params plus the target and key names. */
export interface CleanState {
  readonly params: Readonly<CleanParams>;
  readonly target: string | null;
  readonly key: string | null;
}

function resolveCleanParams(given?: unknown): Readonly<CleanParams> {
  const params = resolveParams('clean', defaults, rules, given);
  if (params.decimalSeparator.length !== 1 || /[0-9+\-eE]/.test(params.decimalSeparator))
    throw paramError(
      'clean',
      'decimalSeparator',
      params.decimalSeparator,
      'one character, not a digit/sign/e',
    );
  if (params.thousandsSeparator === params.decimalSeparator || /[0-9+\-eE]/.test(params.thousandsSeparator))
    throw paramError(
      'clean',
      'thousandsSeparator',
      params.thousandsSeparator,
      `'' or one character other than the decimal separator and digits/sign/e`,
    );
  return params;
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one cell text; NaN for missing tokens and anything that is not a plain decimal number.
 * A strict pattern keeps `Number()` from accepting "0x10", "Infinity" or "" (= 0).
 */
export function parseNumberText(
  text: string,
  params: Readonly<CleanParams>,
  missing: ReadonlySet<string>,
): number {
  let value = text.trim();
  if (missing.has(value.toLowerCase())) return Number.NaN;
  if (params.thousandsSeparator !== '') value = value.split(params.thousandsSeparator).join('');
  if (params.decimalSeparator !== '.') value = value.replace(params.decimalSeparator, '.');
  return NUMBER_PATTERN.test(value) ? Number(value) : Number.NaN;
}

/** A category column with every dictionary entry normalised; equal results share one code. */
function normaliseCategory(
  column: CategoryColumn,
  params: Readonly<CleanParams>,
  missing: ReadonlySet<string>,
) {
  const dictionary: string[] = [];
  const index = new Map<string, number>();
  const remap = new Int32Array(column.dictionary.length);
  for (let code = 0; code < column.dictionary.length; code++) {
    const raw = column.dictionary[code];
    const trimmed = raw.trim();
    if (missing.has(trimmed.toLowerCase())) {
      remap[code] = -1;
      continue;
    }
    let value = params.trim ? trimmed : raw;
    if (params.caseFold) value = value.toLowerCase();
    let next = index.get(value);
    if (next === undefined) {
      next = dictionary.length;
      index.set(value, next);
      dictionary.push(value);
    }
    remap[code] = next;
  }
  const source = column.codes;
  const codes = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) codes[i] = source[i] < 0 ? -1 : remap[source[i]];
  return { type: 'category' as const, name: column.name, codes, dictionary };
}

function coerceCategory(
  column: CategoryColumn,
  params: Readonly<CleanParams>,
  missing: ReadonlySet<string>,
): Column {
  const table = new Float64Array(column.dictionary.length);
  for (let code = 0; code < table.length; code++)
    table[code] = parseNumberText(column.dictionary[code], params, missing);
  const values = new Float64Array(column.codes.length);
  for (let i = 0; i < values.length; i++) {
    const code = column.codes[i];
    values[i] = code < 0 ? Number.NaN : table[code];
  }
  return { type: 'number', name: column.name, values };
}

function isMissing(column: Column, row: number): boolean {
  if (column.type === 'category') return column.codes[row] < 0;
  if (column.type === 'boolean') return column.values[row] < 0;
  return Number.isNaN(column.values[row]);
}

const hashScratch = new Float64Array(1);
const hashWords = new Uint32Array(hashScratch.buffer);

/** Row hash over every column; -0 and 0 hash alike, every NaN hashes alike (they compare equal). */
function rowHash(columns: readonly Column[], row: number): number {
  let h = 0x811c9dc5;
  for (const column of columns) {
    if (column.type === 'category') h = Math.imul(h ^ column.codes[row], 0x01000193);
    else if (column.type === 'boolean') h = Math.imul(h ^ column.values[row], 0x01000193);
    else {
      const v = column.values[row];
      hashScratch[0] = Number.isNaN(v) ? Number.NaN : v + 0;
      h = Math.imul(h ^ hashWords[0], 0x01000193);
      h = Math.imul(h ^ hashWords[1], 0x01000193);
    }
  }
  return h >>> 0;
}

function rowsEqual(columns: readonly Column[], a: number, b: number): boolean {
  for (const column of columns) {
    if (column.type === 'category') {
      if (column.codes[a] !== column.codes[b]) return false;
    } else {
      const x = column.values[a];
      const y = column.values[b];
      if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return false;
    }
  }
  return true;
}

/** Marks rows to keep: the first of each group of exact duplicates (hash chains, linear expected time). */
function markDuplicates(columns: readonly Column[], rowCount: number, keep: Uint8Array): void {
  const heads = new Map<number, number>();
  const next = new Int32Array(rowCount);
  for (let i = 0; i < rowCount; i++) {
    if (!keep[i]) continue;
    const h = rowHash(columns, i);
    const head = heads.get(h);
    let j = head ?? -1;
    let duplicate = false;
    while (j >= 0) {
      if (rowsEqual(columns, i, j)) {
        duplicate = true;
        break;
      }
      j = next[j];
    }
    if (duplicate) keep[i] = 0;
    else {
      next[i] = head ?? -1;
      heads.set(h, i);
    }
  }
}

function cleanTransform(state: CleanState, frame: Frame, options?: TransformOptions): Frame {
  const { params } = state;
  const missing = new Set(params.missingTokens.map((t) => t.trim().toLowerCase()));
  const coerce = new Set(params.coerceNumeric);
  const selected = params.columns === null ? null : new Set(params.columns);
  const columns = frame.columns.map((column): Column => {
    if (column.type !== 'category') return column;
    if (coerce.has(column.name)) return coerceCategory(column, params, missing);
    if (selected ? selected.has(column.name) : column.name !== state.key)
      return normaliseCategory(column, params, missing);
    return column;
  });
  const cleaned: Frame = { rowCount: frame.rowCount, columns };
  if (!options?.training) return cleaned;

  const keep = new Uint8Array(frame.rowCount).fill(1);
  const target = state.target === null ? undefined : columns.find((c) => c.name === state.target);
  if (params.dropMissingTarget && target)
    for (let i = 0; i < frame.rowCount; i++) if (isMissing(target, i)) keep[i] = 0;
  if (params.dropDuplicates) markDuplicates(columns, frame.rowCount, keep);
  let kept = 0;
  for (let i = 0; i < keep.length; i++) kept += keep[i];
  if (kept === frame.rowCount) return cleaned;
  const rows = new Int32Array(kept);
  for (let i = 0, k = 0; i < keep.length; i++) if (keep[i]) rows[k++] = i;
  return takeFrameRows(cleaned, rows);
}

export const cleanTransformer: Transformer<CleanParams, CleanState> = {
  name: 'clean',
  stateVersion: 1,
  params: resolveCleanParams,
  fit(frame: Frame, given: unknown, context: FitContext): CleanState {
    const params = resolveCleanParams(given);
    // Named columns must exist at fit time (a typo fails loudly); at transform time absent columns
    // are skipped because prediction frames may lack e.g. the target.
    for (const name of [...(params.columns ?? []), ...params.coerceNumeric]) getColumn(frame, name);
    const target = context.target !== undefined && findColumn(frame, context.target) ? context.target : null;
    return { params, target, key: context.key ?? null };
  },
  transform: cleanTransform,
  encode(state: CleanState, writer: BinaryWriter): void {
    const p = state.params;
    writer.u8(p.columns === null ? 0 : 1);
    if (p.columns !== null) writer.strings(p.columns);
    writer.u8(
      (p.trim ? 1 : 0) | (p.caseFold ? 2 : 0) | (p.dropDuplicates ? 4 : 0) | (p.dropMissingTarget ? 8 : 0),
    );
    writer.strings(p.missingTokens);
    writer.strings(p.coerceNumeric);
    writer.string(p.thousandsSeparator);
    writer.string(p.decimalSeparator);
    writer.nullableString(state.target);
    writer.nullableString(state.key);
  },
  decode(reader: BinaryReader): CleanState {
    const hasColumns = reader.u8();
    if (hasColumns > 1) throw reader.corrupt(`columns flag ${hasColumns}`);
    const columns = hasColumns ? reader.strings() : null;
    const flags = reader.u8();
    if (flags > 15) throw reader.corrupt(`flags ${flags}`);
    const missingTokens = reader.strings();
    const coerceNumeric = reader.strings();
    const thousandsSeparator = reader.string();
    const decimalSeparator = reader.string();
    const target = reader.nullableString();
    const key = reader.nullableString();
    let params: Readonly<CleanParams>;
    try {
      params = resolveCleanParams({
        columns,
        trim: (flags & 1) !== 0,
        caseFold: (flags & 2) !== 0,
        dropDuplicates: (flags & 4) !== 0,
        dropMissingTarget: (flags & 8) !== 0,
        missingTokens,
        coerceNumeric,
        thousandsSeparator,
        decimalSeparator,
      });
    } catch (error) {
      throw reader.corrupt(`invalid params (${(error as Error).message})`);
    }
    return { params, target, key };
  },
};
