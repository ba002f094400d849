import { AimassError, formatValue } from '../core/errors.ts';
import type { Column, Frame } from '../data/frame.ts';
import { parseIsoTime } from '../data/iso-time.ts';
import type { InputColumn } from '../fleet/predictor.ts';

/** Where rows sit in the request, for error paths: `rows[3].f2` or `items[3].row.f2`. */
export interface RowPath {
  /** Prefix of row `i` (default `rows[i]`). */
  readonly rowPath?: (index: number) => string;
  /** Request index of each row (default: its position), e.g. the item index in a batch. */
  readonly rowIndex?: ArrayLike<number>;
}

/**
 * Builds a Frame of the predictor's input columns from JSON rows. Missing fields and `null` are
 * missing values; fields the model does not read are ignored. Numbers: finite JSON numbers;
 * times: epoch ms numbers or ISO-8601 text; booleans: true/false; categories: strings (numbers
 * and booleans are taken as their text). Any other value is ROW_INVALID naming the row and field:
 * `items[3].row.f2: expected number, got "abc"`.
 */
export function rowsToFrame(
  rows: readonly Record<string, unknown>[],
  inputColumns: readonly InputColumn[],
  where: RowPath = {},
): Frame {
  const n = rows.length;
  const columns: Column[] = [];
  for (const input of inputColumns) {
    const name = input.name;
    if (input.type === 'number' || input.type === 'time') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const value = field(rows[i], name);
        if (typeof value === 'number' && Number.isFinite(value)) values[i] = value;
        else if (value === null || value === undefined) values[i] = Number.NaN;
        else if (input.type === 'time' && typeof value === 'string') {
          const ms = parseIsoTime(value);
          if (Number.isNaN(ms))
            throw badValue(where, i, name, 'an ISO-8601 time or epoch milliseconds', value);
          values[i] = ms;
        } else
          throw badValue(
            where,
            i,
            name,
            input.type === 'time' ? 'epoch milliseconds or ISO-8601 text' : 'number',
            value,
          );
      }
      columns.push({ type: input.type, name, values });
    } else if (input.type === 'boolean') {
      const values = new Int8Array(n);
      for (let i = 0; i < n; i++) {
        const value = field(rows[i], name);
        if (value === true) values[i] = 1;
        else if (value === false) values[i] = 0;
        else if (value === null || value === undefined) values[i] = -1;
        else throw badValue(where, i, name, 'boolean', value);
      }
      columns.push({ type: 'boolean', name, values });
    } else {
      const codes = new Int32Array(n);
      const dictionary: string[] = [];
      const index = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const value = field(rows[i], name);
        let text: string;
        if (typeof value === 'string') text = value;
        else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean')
          text = String(value);
        else if (value === null || value === undefined) {
          codes[i] = -1;
          continue;
        } else throw badValue(where, i, name, 'string', value);
        let code = index.get(text);
        if (code === undefined) {
          code = dictionary.length;
          index.set(text, code);
          dictionary.push(text);
        }
        codes[i] = code;
      }
      columns.push({ type: 'category', name, codes, dictionary });
    }
  }
  return { rowCount: n, columns };
}

function badValue(where: RowPath, i: number, column: string, expected: string, value: unknown): AimassError {
  const row = where.rowIndex ? where.rowIndex[i] : i;
  const prefix = where.rowPath ? where.rowPath(row) : `rows[${row}]`;
  const field = `${prefix}.${column}`;
  const got = typeof value === 'number' ? String(value) : formatValue(value);
  return new AimassError('ROW_INVALID', `${field}: expected ${expected}, got ${got}`, {
    field,
    row,
    column,
    value: typeof value === 'object' ? formatValue(value) : value,
    expected,
  });
}

/** Own fields only: a column named like an Object.prototype member (`constructor`) is missing, not a function. */
function field(row: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(row, name) ? row[name] : undefined;
}
