import { AimassError } from '../core/errors.ts';
import { type Column, type Frame, takeFrameRows, withoutColumns } from '../data/frame.ts';
import { entityFrame, groupByKey } from '../data/group.ts';
import { entityKeyProblem } from '../fleet/keys.ts';
import type { TimeUnitChoice } from '../fleet/spec.ts';
import { encodeChunk } from '../store/chunk-codec.ts';
import type { DataColumn, KeyChunk, NewQuarantineRow } from '../store/types.ts';
import { rowText } from './quarantine.ts';
import type { IngestLayout } from './read-schema.ts';
import { expectedTime, numericTimeToMs, textTimeToMs } from './time-values.ts';

/** Why a row was refused after reading. */
export type EntityRowIssue = 'missing-key' | 'bad-key' | 'missing-time' | 'bad-time';

export interface RejectedRow {
  readonly issue: EntityRowIssue;
  readonly quarantine: NewQuarantineRow;
}

export interface EntityChunks {
  /** One chunk per key, rows in time order, WITHOUT the key column (the key is the chunk's address). */
  readonly chunks: KeyChunk[];
  readonly rowsStored: number;
  /** Rows refused here (no key, a key the trainer could not use, no or a bad time), with raw text. */
  readonly rejected: RejectedRow[];
  /** Column types of the stored rows (columns with at least one value), for the fleet's register. */
  readonly columns: DataColumn[];
}

/**
 * Rows → entity chunks, the one place every source goes through: the key column is dropped, rows
 * whose key is missing or not a usable entity key (`entityKeyProblem`: empty, too long, control
 * characters, the reserved `__` prefix) are rejected with the reason, and the time column is
 * converted to epoch ms by the one rule of time-values.ts (rows without a valid time are rejected).
 */
export function toEntityChunks(
  frame: Frame,
  layout: Pick<IngestLayout, 'key' | 'time'>,
  options: {
    source: string;
    timeUnit: TimeUnitChoice;
    /** Line of each frame row in its input (0: unknown), so a refused row names its line. */
    rowLines?: Int32Array;
  },
): EntityChunks {
  if (frame.rowCount === 0) return { chunks: [], rowsStored: 0, rejected: [], columns: [] };
  const keyColumn = frame.columns.find((c) => c.name === layout.key);
  if (keyColumn === undefined) throw missing(layout.key, 'key', frame);
  if (keyColumn.type !== 'category')
    throw new AimassError('DATA_INVALID', `key column "${layout.key}" was read as ${keyColumn.type}`, {
      column: layout.key,
    });
  const n = frame.rowCount;
  const reasons: (string | null)[] = new Array(n).fill(null);
  const issues: EntityRowIssue[] = [];
  const reasonColumn: (string | null)[] = new Array(n).fill(null);
  let rejectedCount = 0;
  const reject = (row: number, column: string, issue: EntityRowIssue, reason: string): void => {
    if (reasons[row] !== null) return;
    reasons[row] = reason;
    issues[row] = issue;
    reasonColumn[row] = column;
    rejectedCount++;
  };

  const keyProblems = keyColumn.dictionary.map((key) => entityKeyProblem(key));
  for (let i = 0; i < n; i++) {
    const code = keyColumn.codes[i];
    if (code < 0) reject(i, layout.key, 'missing-key', `no value in key column "${layout.key}"`);
    else if (keyProblems[code] !== null)
      reject(
        i,
        layout.key,
        'bad-key',
        `key ${JSON.stringify(keyColumn.dictionary[code].slice(0, 80))}: ${keyProblems[code]}`,
      );
  }

  let timed = frame;
  if (layout.time !== null) {
    const time = frame.columns.find((c) => c.name === layout.time);
    if (time === undefined) throw missing(layout.time, 'time', frame);
    const values = timeValues(time, options.timeUnit);
    const expected = expectedTime(options.timeUnit);
    for (let i = 0; i < n; i++)
      if (Number.isNaN(values[i]))
        if (isMissing(time, i))
          reject(i, time.name, 'missing-time', `no value in time column "${time.name}"`);
        else
          reject(i, time.name, 'bad-time', `time column "${time.name}": not a time (expected ${expected})`);
    timed = {
      rowCount: n,
      columns: frame.columns.map((c): Column => (c === time ? { type: 'time', name: c.name, values } : c)),
    };
  }

  const rejected: RejectedRow[] = [];
  let kept = timed;
  if (rejectedCount > 0) {
    const keep = new Int32Array(n - rejectedCount);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (reasons[i] === null) {
        keep[k++] = i;
        continue;
      }
      const code = keyColumn.codes[i];
      const line = options.rowLines?.[i] || null;
      rejected.push({
        issue: issues[i],
        quarantine: {
          source: options.source,
          line,
          column: reasonColumn[i],
          key: code >= 0 ? keyColumn.dictionary[code].slice(0, 256) : null,
          reason:
            line === null
              ? `${options.source}: accepted row ${i + 1}: ${reasons[i]}`
              : `${options.source}:${line}: ${reasons[i]}`,
          raw: rowText(frame, i),
        },
      });
    }
    kept = takeFrameRows(timed, keep);
  }

  const timeColumn = layout.time ?? undefined;
  const grouped = groupByKey(kept, layout.key, { timeColumn });
  const chunks: KeyChunk[] = [];
  for (let i = 0; i < grouped.keys.length; i++)
    chunks.push({
      key: grouped.keys[i],
      chunk: encodeChunk(withoutColumns(entityFrame(grouped, i), [layout.key]), { timeColumn }),
    });
  return { chunks, rowsStored: kept.rowCount, rejected, columns: presentColumns(kept, layout.key) };
}

/** The time column as epoch ms (NaN: missing or not a time under the unit). */
function timeValues(column: Column, unit: TimeUnitChoice): Float64Array {
  const n = column.type === 'category' ? column.codes.length : column.values.length;
  const out = new Float64Array(n);
  switch (column.type) {
    case 'time': // read as a time already: ISO text, or epoch numbers of a declared unit
      out.set(column.values);
      break;
    case 'number':
      for (let i = 0; i < n; i++) out[i] = numericTimeToMs(column.values[i], unit);
      break;
    case 'category': {
      // Mixed texts (some ISO, some numbers): each dictionary entry is converted once.
      const byCode = column.dictionary.map((text) => textTimeToMs(text, unit));
      for (let i = 0; i < n; i++) out[i] = column.codes[i] < 0 ? Number.NaN : byCode[column.codes[i]];
      break;
    }
    case 'boolean':
      out.fill(Number.NaN);
  }
  return out;
}

function isMissing(column: Column, row: number): boolean {
  if (column.type === 'category') return column.codes[row] < 0;
  if (column.type === 'boolean') return column.values[row] < 0;
  return Number.isNaN(column.values[row]);
}

function presentColumns(frame: Frame, keyName: string): DataColumn[] {
  const out: DataColumn[] = [];
  for (const column of frame.columns) {
    if (column.name === keyName) continue;
    for (let i = 0; i < frame.rowCount; i++)
      if (!isMissing(column, i)) {
        out.push({ name: column.name, type: column.type });
        break;
      }
  }
  return out;
}

function missing(name: string, role: string, frame: Frame): AimassError {
  return new AimassError(
    'COLUMN_NOT_FOUND',
    `the data has no ${role} column "${name}" (fleet spec "${role}"; columns: ${frame.columns.map((c) => c.name).join(', ')})`,
    { column: name, field: role },
  );
}
