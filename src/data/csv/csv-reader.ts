import { AimassError } from '../../core/errors.ts';
import { bomLength, decodeUtf8 } from '../bytes.ts';
import { ColumnStore } from '../column-store.ts';
import { createMissingMatcher, type MissingMatcher } from '../missing.ts';
import { ReportBuilder } from '../read-report.ts';
import type { PushReader, ReadResult } from '../read-source.ts';
import { inferSchema, type ResolvedColumn } from '../schema.ts';
import type { ResolvedCsvOptions } from './csv-options.ts';
import { createRowLoopState, finishBadRow, parseRows, type RowLoopState } from './parse-rows.ts';
import { CR, LF } from './quoted-field.ts';
import { detectDelimiter, readTextRow, type TextRow } from './text-row.ts';

interface SampleRow {
  row: TextRow;
  line: number;
  raw: string;
}

/**
 * The CSV reader as a push parser: feed it buffers with `push` (it returns how many bytes it used;
 * the caller keeps the rest and prepends it to the next buffer), then call `finish`. Three phases:
 * header, sample (the first `inferRows` rows kept as strings to infer the schema), then rows
 * (the byte-level loop of parse-rows.ts).
 */
export class CsvReader implements PushReader {
  private phase: 'header' | 'sample' | 'rows' = 'header';
  private delimiter = -1;
  private names: string[] = [];
  private line = 1;
  private readonly sample: SampleRow[] = [];
  private sampleBytes = 0;
  private headerBytes = 0;
  private loop: RowLoopState | null = null;
  private columns: ResolvedColumn[] = [];
  private readonly missing: MissingMatcher;
  private readonly report: ReportBuilder;

  constructor(
    private readonly options: Readonly<ResolvedCsvOptions>,
    /** Total input size when known: sizes the columns once instead of doubling them. */
    private readonly sizeHint?: number,
  ) {
    this.missing = createMissingMatcher(options.missingTokens);
    this.report = new ReportBuilder(options.fileName, 'csv', options);
    this.line = options.firstLine;
    if (options.delimiter !== null) this.delimiter = options.delimiter.charCodeAt(0);
  }

  /** Reads what it can of `buf`; returns the number of bytes used (the rest is an unfinished row). */
  push(buf: Buffer, final: boolean): number {
    let pos = 0;
    const end = buf.length;
    if (this.phase === 'header') {
      pos = this.readHeader(buf, end, final);
      if (this.phase === 'header') return 0;
    }
    if (this.phase === 'sample') {
      pos = this.readSample(buf, pos, end, final);
      if (this.phase === 'sample') return pos;
    }
    return parseRows(this.loop!, buf, pos, end, final);
  }

  /** The frame and report; `bytesRead` is the input size the caller fed. */
  finish(bytesRead: number): ReadResult {
    this.report.bytesRead = bytesRead;
    if (this.phase !== 'rows') {
      throw new AimassError('FILE_INVALID', `${this.options.fileName}: no header line (the input is empty)`, {
        file: this.options.fileName,
        line: 1,
      });
    }
    const frame = this.loop!.store.toFrame();
    return { frame, report: this.report.build(this.columns, String.fromCharCode(this.delimiter)) };
  }

  /** Line number of the next unread row (for messages about an oversized row). */
  get nextLine(): number {
    return this.loop ? this.loop.line : this.line;
  }

  /** Returns bytes used; everything (including line counts) is committed only once the header is read. */
  private readHeader(buf: Uint8Array, end: number, final: boolean): number {
    let pos = bomLength(buf, 0, end);
    if (pos === 0 && end < 3 && !final && end > 0 && buf[0] === 0xef) return 0;
    let line = this.line;
    // Leading blank lines are skipped: some exporters write one before the header.
    while (pos < end && (buf[pos] === LF || buf[pos] === CR)) {
      if (buf[pos] === CR && pos + 1 >= end && !final) return 0;
      pos += buf[pos] === CR && buf[pos + 1] === LF ? 2 : 1;
      line++;
    }
    if (pos >= end) return 0;
    if (this.delimiter < 0) {
      const detected = detectDelimiter(buf, pos, end, final);
      if (detected < 0) return 0;
      this.delimiter = detected;
    }
    const first = readTextRow(buf, pos, end, final, this.delimiter);
    if (!first) return 0;
    this.phase = 'sample';
    if (!this.options.header) {
      this.names = first.fields.map((_, i) => `column_${i + 1}`);
      this.line = line;
      return pos;
    }
    this.names = uniqueNames(first.fields, this.report.warnings);
    this.line = line + 1 + first.newlines;
    this.headerBytes = first.next;
    return first.next;
  }

  private readSample(buf: Uint8Array, pos: number, end: number, final: boolean): number {
    const start = pos;
    while (this.sample.length < this.options.inferRows && pos < end) {
      const c = buf[pos];
      if (c === LF || c === CR) {
        if (c === CR && pos + 1 >= end && !final) break;
        pos += c === CR && buf[pos + 1] === LF ? 2 : 1;
        this.line++;
        this.report.blankLines++;
        continue;
      }
      const row = readTextRow(buf, pos, end, final, this.delimiter);
      if (!row) break;
      this.sample.push({ row, line: this.line, raw: decodeUtf8(buf, pos, row.contentEnd) });
      this.line += 1 + row.newlines;
      pos = row.next;
    }
    this.sampleBytes += pos - start;
    if (this.sample.length >= this.options.inferRows || (final && pos >= end)) this.startRows();
    return pos;
  }

  private startRows(): void {
    // Rows that will be rejected for their shape say nothing about the column types.
    const width = this.names.length;
    const wellFormed = this.sample.filter((s) => s.row.fields.length === width && !s.row.unterminated);
    const { columns, warnings } = inferSchema(
      this.names,
      (wellFormed.length > 0 ? wellFormed : this.sample).map((s) => s.row.fields),
      this.options.schema,
      this.missing,
      this.options.decimalSeparator === ',',
      this.options.typeHints,
    );
    this.columns = columns;
    this.report.warnings.push(...warnings);
    const store = new ColumnStore(columns, this.initialCapacity(), this.options.decimalSeparator === ',');
    const loop = createRowLoopState(
      store,
      this.report,
      this.delimiter,
      this.missing,
      this.options.onBadValue,
      this.line,
    );
    for (const { row, line, raw } of this.sample) this.addSampleRow(loop, row, line, raw);
    this.sample.length = 0;
    this.loop = loop;
    this.phase = 'rows';
  }

  private addSampleRow(loop: RowLoopState, row: TextRow, line: number, raw: string): void {
    const { store, report } = loop;
    store.reserveRow();
    report.rowsRead++;
    const fields = row.fields;
    const count = Math.min(fields.length, loop.columns.length);
    for (let c = 0; c < count; c++) {
      if (!store.setText(c, fields[c], this.missing)) {
        loop.badColumns.push(c);
        loop.badValues.push(fields[c]);
      }
    }
    if (loop.badColumns.length === 0 && fields.length === loop.columns.length && !row.unterminated) {
      store.commitRow();
      report.accept(line);
    } else finishBadRow(loop, line, fields.length, row.unterminated, () => raw);
  }

  private initialCapacity(): number {
    const rows = this.sample.length;
    if (this.sizeHint === undefined || rows === 0 || this.sampleBytes === 0) return Math.max(1024, rows * 2);
    const bytesPerRow = this.sampleBytes / rows;
    // 5% headroom for rows longer than the sample's; the frame is trimmed at the end.
    const estimate = ((this.sizeHint - this.headerBytes) / bytesPerRow) * 1.05 + 16;
    return Math.min(Math.max(estimate, rows), 2 ** 28);
  }
}

/** Header names made usable: blanks become `column_<i>`, repeats get `_2`, `_3`, ... (with a warning). */
function uniqueNames(fields: readonly string[], warnings: string[]): string[] {
  const seen = new Set<string>();
  return fields.map((field, i) => {
    let name = field.trim();
    if (name === '') {
      name = `column_${i + 1}`;
      warnings.push(`header field ${i + 1} is empty; named "${name}"`);
    }
    if (seen.has(name)) {
      let k = 2;
      while (seen.has(`${name}_${k}`)) k++;
      warnings.push(`header name "${name}" repeats; field ${i + 1} named "${name}_${k}"`);
      name = `${name}_${k}`;
    }
    seen.add(name);
    return name;
  });
}
