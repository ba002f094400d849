import { decodeUtf8 } from '../bytes.ts';
import {
  type ColumnStore,
  KIND_CATEGORY,
  KIND_NUMBER,
  KIND_TIME_ISO,
  KIND_TIME_MILLISECONDS,
  KIND_TIME_SECONDS,
} from '../column-store.ts';
import { parseIsoTimeBytes } from '../iso-time.ts';
import type { MissingMatcher } from '../missing.ts';
import type { BadValuePolicy, ReportBuilder } from '../read-report.ts';
import { describeExpected, type ResolvedColumn } from '../schema.ts';
import {
  CR,
  LF,
  QUOTE,
  QUOTED_INCOMPLETE,
  QUOTED_UNTERMINATED,
  quoted,
  readQuotedField,
} from './quoted-field.ts';

/** Everything the row loop needs between chunks. */
export interface RowLoopState {
  readonly store: ColumnStore;
  readonly report: ReportBuilder;
  readonly columns: readonly ResolvedColumn[];
  readonly delimiter: number;
  readonly missing: MissingMatcher;
  readonly onBadValue: BadValuePolicy;
  /** Line number of the next row's first line. */
  line: number;
  /** Per category column: the previous cell's bytes and code, so repeated keys skip decoding. */
  readonly lastBytes: Uint8Array[];
  readonly lastLength: Int32Array;
  readonly lastCode: Int32Array;
  /** Bad cells of the current row (columns and texts), only touched when a cell is bad. */
  readonly badColumns: number[];
  readonly badValues: string[];
}

export function createRowLoopState(
  store: ColumnStore,
  report: ReportBuilder,
  delimiter: number,
  missing: MissingMatcher,
  onBadValue: BadValuePolicy,
  line: number,
): RowLoopState {
  const n = store.columns.length;
  return {
    store,
    report,
    columns: store.columns,
    delimiter,
    missing,
    onBadValue,
    line,
    lastBytes: Array.from({ length: n }, () => new Uint8Array(32)),
    lastLength: new Int32Array(n).fill(-1),
    lastCode: new Int32Array(n),
    badColumns: [],
    badValues: [],
  };
}

const MINUS = 45;
const PLUS = 43;
/** Powers of ten that are exact doubles; with a mantissa below 2^53 one division is correctly rounded. */
const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const MAX_FAST_DIGITS = 15;

/**
 * Parses complete rows of `buf[start, end)` into the store and returns where it stopped: at the
 * start of a row that is not complete yet (when `final` is false), else at `end`. Plain decimals
 * are read straight from bytes (integer mantissa + decimal exponent); everything else goes
 * through the string parsers of text-values.ts, so both paths accept the same texts.
 */
export function parseRows(
  state: RowLoopState,
  buf: Uint8Array,
  start: number,
  end: number,
  final: boolean,
): number {
  const { store, report, missing, lastBytes, lastLength, lastCode } = state;
  const kinds = store.kinds;
  const floats = store.floats;
  const codes = store.codes;
  const columnCount = kinds.length;
  const D = state.delimiter;
  const emptyIsMissing = missing.emptyIsMissing;
  const DECIMAL = store.decimalComma ? 44 : 46;
  const skipAfterBad = state.onBadValue !== 'missing';
  let pos = start;
  while (pos < end) {
    const rowStart = pos;
    let c = buf[pos];
    if (c === LF || c === CR) {
      if (c === CR && pos + 1 >= end && !final) return abandonRow(state, rowStart);
      pos += c === CR && pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
      state.line++;
      report.blankLines++;
      continue;
    }
    if (store.length === store.capacity) store.reserveRow();
    const row = store.length;
    let col = 0;
    let bad = 0;
    let newlines = 0;
    let unterminated = false;
    let contentEnd: number;
    for (;;) {
      if (c === QUOTE) {
        const status = readQuotedField(buf, pos, end, final, D);
        if (status === QUOTED_UNTERMINATED) unterminated = true;
        newlines += quoted.newlines;
        if (
          status !== QUOTED_INCOMPLETE &&
          col < columnCount &&
          (bad === 0 || !skipAfterBad) &&
          !store.setText(col, quoted.text, missing)
        ) {
          bad = recordBad(state, col, quoted.text);
        }
        pos = quoted.next;
      } else if (col >= columnCount || (bad > 0 && skipAfterBad)) {
        while (pos < end) {
          c = buf[pos];
          if (c === D || c === LF || c === CR) break;
          pos++;
        }
      } else {
        const kind = kinds[col];
        const s = pos;
        if (kind === KIND_NUMBER || kind === KIND_TIME_SECONDS || kind === KIND_TIME_MILLISECONDS) {
          let negative = false;
          c = pos < end ? buf[pos] : -1;
          if (c === MINUS) {
            negative = true;
            pos++;
          } else if (c === PLUS) pos++;
          let mantissa = 0;
          let digitCount = 0;
          let fractionDigits = 0;
          while (pos < end) {
            const d = buf[pos] - 48;
            if (d < 0 || d > 9) break;
            mantissa = mantissa * 10 + d;
            digitCount++;
            pos++;
          }
          if (pos < end && buf[pos] === DECIMAL) {
            pos++;
            while (pos < end) {
              const d = buf[pos] - 48;
              if (d < 0 || d > 9) break;
              mantissa = mantissa * 10 + d;
              digitCount++;
              fractionDigits++;
              pos++;
            }
          }
          c = pos < end ? buf[pos] : -1;
          const atEnd = c === D || c === LF || c === CR || c === -1;
          if (atEnd && digitCount > 0 && digitCount <= MAX_FAST_DIGITS) {
            let value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
            if (negative) value = -value;
            floats[col]![row] = kind === KIND_TIME_SECONDS ? value * 1000 : value;
          } else if (atEnd && pos === s) {
            if (emptyIsMissing) floats[col]![row] = Number.NaN;
            else if (!store.setText(col, '', missing)) bad = recordBad(state, col, '');
          } else {
            while (pos < end) {
              c = buf[pos];
              if (c === D || c === LF || c === CR) break;
              pos++;
            }
            const text = decodeUtf8(buf, s, pos);
            if (!store.setText(col, text, missing)) bad = recordBad(state, col, text);
          }
        } else {
          while (pos < end) {
            c = buf[pos];
            if (c === D || c === LF || c === CR) break;
            pos++;
          }
          if (kind === KIND_CATEGORY) {
            const length = pos - s;
            let code = -2;
            if (length === lastLength[col]) {
              const last = lastBytes[col];
              let k = 0;
              while (k < length && last[k] === buf[s + k]) k++;
              if (k === length) code = lastCode[col];
            }
            if (code === -2) {
              const text = decodeUtf8(buf, s, pos);
              code = missing.isMissing(text) ? -1 : store.categoryCode(col, text);
              rememberCategory(state, col, buf, s, length, code);
            }
            codes[col]![row] = code;
          } else {
            const ms = kind === KIND_TIME_ISO ? parseIsoTimeBytes(buf, s, pos) : Number.NaN;
            if (!Number.isNaN(ms)) floats[col]![row] = ms;
            else {
              const text = decodeUtf8(buf, s, pos);
              if (!store.setText(col, text, missing)) bad = recordBad(state, col, text);
            }
          }
        }
      }
      // The one place an unfinished row is given back. A cell cut by the end of the buffer may
      // have been parsed (even added to a dictionary): abandonRow undoes that. One exit, not one
      // per cell type, also keeps V8 from deoptimising once per site on the first chunk ends.
      if (pos >= end) {
        if (!final) return abandonRow(state, rowStart);
        contentEnd = end;
        col++;
        break;
      }
      c = buf[pos];
      col++;
      if (c === D) {
        pos++;
        c = pos < end ? buf[pos] : -1;
        continue;
      }
      contentEnd = pos;
      if (c === CR) {
        if (pos + 1 < end) pos += buf[pos + 1] === LF ? 2 : 1;
        else if (final) pos++;
        else return abandonRow(state, rowStart);
      } else pos++;
      break;
    }
    const line = state.line;
    state.line += 1 + newlines;
    report.rowsRead++;
    if (bad === 0 && col === columnCount && !unterminated) {
      store.commitRow();
      report.accept(line);
    } else {
      finishBadRow(state, line, col, unterminated, () => decodeUtf8(buf, rowStart, contentEnd));
    }
  }
  return pos;
}

function recordBad(state: RowLoopState, col: number, text: string): number {
  state.badColumns.push(col);
  state.badValues.push(text);
  return state.badColumns.length;
}

function rememberCategory(
  state: RowLoopState,
  col: number,
  buf: Uint8Array,
  s: number,
  length: number,
  code: number,
) {
  let last = state.lastBytes[col];
  if (last.length < length) {
    if (length > 256) {
      // Long texts are rarely repeated keys: not worth caching.
      state.lastLength[col] = -1;
      return;
    }
    last = state.lastBytes[col] = new Uint8Array(length * 2);
  }
  for (let k = 0; k < length; k++) last[k] = buf[s + k];
  state.lastLength[col] = length;
  state.lastCode[col] = code;
}

/** Undoes a partly read row so it can be read again from `rowStart` with more data. */
function abandonRow(state: RowLoopState, rowStart: number): number {
  clearRow(state);
  state.store.rejectRow();
  return rowStart;
}

function clearRow(state: RowLoopState): void {
  // Dictionary entries the row added are about to be removed: cached codes may point at them.
  if (state.store.hasPending()) state.lastLength.fill(-1);
  state.badColumns.length = 0;
  state.badValues.length = 0;
}

/**
 * Reports a row that is not clean (shared with the sample rows of csv-reader.ts): wrong field
 * count and unterminated quotes reject it; bad values reject it or, with `onBadValue: 'missing'`,
 * are reported and the row is kept (its bad cells were already written as missing).
 */
export function finishBadRow(
  state: RowLoopState,
  line: number,
  fieldCount: number,
  unterminated: boolean,
  rawText: () => string,
): void {
  const { report, store, columns } = state;
  const where = { line, row: report.rowsRead };
  if (unterminated) {
    report.issue(
      where,
      'unterminated-quote',
      { message: 'a quoted field is not closed before the end of input' },
      rawText(),
    );
  } else if (fieldCount !== columns.length) {
    report.issue(
      where,
      'field-count',
      { message: `expected ${columns.length} fields, found ${fieldCount}` },
      rawText(),
    );
  } else if (state.onBadValue === 'missing') {
    for (let i = 0; i < state.badColumns.length; i++) {
      const column = columns[state.badColumns[i]];
      report.issue(
        where,
        'bad-value',
        { column: column.name, value: state.badValues[i], expected: describeExpected(column) },
        null,
      );
    }
    clearRow(state);
    store.commitRow();
    report.accept(line);
    return;
  } else {
    const column = columns[state.badColumns[0]];
    report.issue(
      where,
      'bad-value',
      { column: column.name, value: state.badValues[0], expected: describeExpected(column) },
      rawText(),
    );
  }
  clearRow(state);
  store.rejectRow();
}
