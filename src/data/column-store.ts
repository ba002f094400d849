import type { Column, Frame } from './frame.ts';
import { createFrame } from './frame.ts';
import type { MissingMatcher } from './missing.ts';
import type { ResolvedColumn } from './schema.ts';
import { MISSING, parseBooleanText, parseNumberText, parseTimeText } from './text-values.ts';

/** How a reader stores a column's cells (time columns split by how their text is read). */
export const KIND_NUMBER = 0;
export const KIND_CATEGORY = 1;
export const KIND_BOOLEAN = 2;
export const KIND_TIME_ISO = 3;
export const KIND_TIME_SECONDS = 4;
export const KIND_TIME_MILLISECONDS = 5;

export function columnKind(column: ResolvedColumn): number {
  switch (column.type) {
    case 'number':
      return KIND_NUMBER;
    case 'category':
      return KIND_CATEGORY;
    case 'boolean':
      return KIND_BOOLEAN;
    default:
      return column.unit === 'seconds'
        ? KIND_TIME_SECONDS
        : column.unit === 'milliseconds'
          ? KIND_TIME_MILLISECONDS
          : KIND_TIME_ISO;
  }
}

/**
 * Growable typed columns that readers fill one row at a time. The row being read is written at
 * index `length`; `commitRow` keeps it, `rejectRow` forgets it (its cells are simply overwritten
 * by the next row), so a rejected row costs nothing to undo except the dictionary entries it
 * added, which are tracked in a small pending list.
 */
export class ColumnStore {
  readonly columns: readonly ResolvedColumn[];
  readonly kinds: Uint8Array;
  /** Float64Array per number/time column (null elsewhere); replaced when the store grows. */
  readonly floats: (Float64Array | null)[];
  readonly codes: (Int32Array | null)[];
  readonly bools: (Int8Array | null)[];
  readonly dictionaries: string[][];
  readonly lookups: Map<string, number>[];
  length = 0;
  capacity: number;
  private pendingColumns: number[] = [];

  /** `decimalComma`: number texts use `,` as the decimal separator (CSV option `decimalSeparator`). */
  constructor(
    columns: readonly ResolvedColumn[],
    initialCapacity = 1024,
    readonly decimalComma = false,
  ) {
    this.columns = columns;
    this.capacity = Math.max(16, Math.ceil(initialCapacity));
    this.kinds = Uint8Array.from(columns, columnKind);
    this.floats = columns.map((_, c) =>
      isFloatKind(this.kinds[c]) ? new Float64Array(this.capacity) : null,
    );
    this.codes = columns.map((_, c) =>
      this.kinds[c] === KIND_CATEGORY ? new Int32Array(this.capacity) : null,
    );
    this.bools = columns.map((_, c) =>
      this.kinds[c] === KIND_BOOLEAN ? new Int8Array(this.capacity) : null,
    );
    this.dictionaries = columns.map(() => []);
    this.lookups = columns.map(() => new Map());
  }

  /** Makes room for the row at `length` (doubling, so appends stay amortised O(1)). */
  reserveRow(): void {
    if (this.length < this.capacity) return;
    const next = this.capacity * 2;
    for (let c = 0; c < this.kinds.length; c++) {
      const f = this.floats[c];
      if (f) this.floats[c] = grow(f, new Float64Array(next));
      const k = this.codes[c];
      if (k) this.codes[c] = grow(k, new Int32Array(next));
      const b = this.bools[c];
      if (b) this.bools[c] = grow(b, new Int8Array(next));
    }
    this.capacity = next;
  }

  /** The dictionary code of `text` in category column `c`, adding it if new. */
  categoryCode(c: number, text: string): number {
    const lookup = this.lookups[c];
    let code = lookup.get(text);
    if (code === undefined) {
      const dictionary = this.dictionaries[c];
      code = dictionary.length;
      dictionary.push(text);
      lookup.set(text, code);
      this.pendingColumns.push(c);
    }
    return code;
  }

  /**
   * Parses `text` into column `c` of the current row. Returns false (and writes missing) when the
   * text is not missing and the column's type cannot hold it.
   */
  setText(c: number, text: string, missing: MissingMatcher): boolean {
    const row = this.length;
    const kind = this.kinds[c];
    if (kind === KIND_CATEGORY) {
      this.codes[c]![row] = missing.isMissing(text) ? -1 : this.categoryCode(c, text);
      return true;
    }
    let value: number;
    if (kind === KIND_NUMBER) value = parseNumberText(text, missing, this.decimalComma);
    else if (kind === KIND_BOOLEAN) value = parseBooleanText(text, missing);
    else
      value = parseTimeText(
        text,
        kind === KIND_TIME_SECONDS ? 'seconds' : kind === KIND_TIME_MILLISECONDS ? 'milliseconds' : undefined,
        missing,
        this.decimalComma,
      );
    // BAD is NaN and MISSING is -Infinity (see text-values.ts); both store as missing.
    this.setValue(c, value === MISSING || Number.isNaN(value) ? Number.NaN : value);
    return !Number.isNaN(value);
  }

  /** Writes a parsed value (NaN = missing) into column `c` of the current row. */
  setValue(c: number, value: number): void {
    const kind = this.kinds[c];
    if (kind === KIND_BOOLEAN) this.bools[c]![this.length] = Number.isNaN(value) ? -1 : value;
    else if (kind === KIND_CATEGORY) this.codes[c]![this.length] = -1;
    else this.floats[c]![this.length] = value;
  }

  setMissing(c: number): void {
    this.setValue(c, Number.NaN);
  }

  commitRow(): void {
    this.length++;
    if (this.pendingColumns.length > 0) this.pendingColumns.length = 0;
  }

  /** Forgets the current row, including dictionary entries only it introduced. */
  rejectRow(): void {
    const pending = this.pendingColumns;
    for (let i = pending.length - 1; i >= 0; i--) {
      const c = pending[i];
      const text = this.dictionaries[c].pop()!;
      this.lookups[c].delete(text);
    }
    pending.length = 0;
  }

  /** True when the current row added dictionary entries (readers drop their caches then). */
  hasPending(): boolean {
    return this.pendingColumns.length > 0;
  }

  /** The frame of committed rows (columns trimmed to length, see `trim`). */
  toFrame(): Frame {
    const n = this.length;
    const columns = this.columns.map((column, c): Column => {
      const kind = this.kinds[c];
      if (kind === KIND_CATEGORY) {
        return {
          type: 'category',
          name: column.name,
          codes: trim(this.codes[c]!, n),
          dictionary: this.dictionaries[c],
        };
      }
      if (kind === KIND_BOOLEAN)
        return { type: 'boolean', name: column.name, values: trim(this.bools[c]!, n) };
      return {
        type: column.type === 'time' ? 'time' : 'number',
        name: column.name,
        values: trim(this.floats[c]!, n),
      };
    });
    return createFrame(columns, n);
  }
}

function isFloatKind(kind: number): boolean {
  return kind === KIND_NUMBER || kind >= KIND_TIME_ISO;
}

function grow<T extends Float64Array | Int32Array | Int8Array>(from: T, to: T): T {
  to.set(from as never);
  return to;
}

/**
 * Exact-length columns. Small slack (up to 1/8, from a good size estimate) is kept as a view to
 * avoid copying the whole column; more is copied away so the spare capacity can be freed.
 */
function trim<T extends Float64Array | Int32Array | Int8Array>(array: T, n: number): T {
  if (array.length === n) return array;
  return (array.length - n <= n / 8 ? array.subarray(0, n) : array.slice(0, n)) as T;
}
