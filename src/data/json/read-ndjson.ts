import { bomLength, decodeUtf8 } from '../bytes.ts';
import { ColumnStore } from '../column-store.ts';
import { createMissingMatcher, type MissingMatcher } from '../missing.ts';
import { ReportBuilder } from '../read-report.ts';
import { type ByteSource, type PushReader, type ReadResult, readBytes, readSource } from '../read-source.ts';
import type { ResolvedColumn } from '../schema.ts';
import { type JsonOptions, type ResolvedJsonOptions, resolveJsonOptions } from './json-options.ts';
import { inferJsonSchema, type JsonRecord, JsonRowSink } from './json-rows.ts';

/**
 * Newline-delimited JSON: one object per line (LF or CRLF; blank lines skipped). A line that is
 * not valid JSON is rejected as `bad-json`, one that is not an object as `not-object`; reading
 * goes on. Columns are the keys of the first `inferRows` objects plus declared schema columns;
 * later unknown keys are ignored with one warning each. Values: JSON numbers, booleans and
 * strings are accepted by any column type that can hold them (`"12"` in a number column is 12;
 * epoch numbers in a time column need a `unit`); nested objects/arrays reject the row.
 */
export async function readNdjson(source: ByteSource, options: JsonOptions = {}): Promise<ReadResult> {
  const resolved = resolveJsonOptions(
    'ndjson reader',
    options,
    typeof source === 'string' ? source : undefined,
  );
  return readSource(source, resolved, (sizeHint) => new NdjsonReader(resolved, sizeHint));
}

export function readNdjsonSync(bytes: Uint8Array, options: JsonOptions = {}): ReadResult {
  const resolved = resolveJsonOptions('ndjson reader', options);
  return readBytes(bytes, (sizeHint) => new NdjsonReader(resolved, sizeHint));
}

export function parseNdjsonText(text: string, options: JsonOptions = {}): ReadResult {
  return readNdjsonSync(Buffer.from(text, 'utf8'), options);
}

class NdjsonReader implements PushReader {
  private line = 1;
  private atStart = true;
  private readonly sample: JsonRecord[] = [];
  private sampleBytes = 0;
  private sink: JsonRowSink | null = null;
  private columns: ResolvedColumn[] = [];
  private readonly missing: MissingMatcher;
  private readonly report: ReportBuilder;

  constructor(
    private readonly options: Readonly<ResolvedJsonOptions>,
    private readonly sizeHint: number | undefined,
  ) {
    this.missing = createMissingMatcher(options.missingTokens);
    this.report = new ReportBuilder(options.fileName, 'ndjson', options);
    this.line = options.firstLine;
  }

  get nextLine(): number {
    return this.line;
  }

  push(buf: Buffer, final: boolean): number {
    const end = buf.length;
    let pos = 0;
    if (this.atStart) {
      if (!final && end < 3 && buf[0] === 0xef) return 0;
      pos = bomLength(buf, 0, end);
      this.atStart = false;
    }
    while (pos < end) {
      let newline = buf.indexOf(10, pos);
      if (newline < 0) {
        if (!final) break;
        newline = end;
      }
      let contentEnd = newline;
      if (contentEnd > pos && buf[contentEnd - 1] === 13) contentEnd--;
      const text = decodeUtf8(buf, pos, contentEnd);
      const line = this.line++;
      if (!this.sink) this.sampleBytes += newline + 1 - pos;
      pos = Math.min(newline + 1, end);
      if (text.trim() === '') {
        this.report.blankLines++;
        continue;
      }
      const record = parseLine(text, line);
      if (this.sink) this.sink.add(record);
      else {
        this.sample.push(record);
        if (this.sample.length >= this.options.inferRows) this.startRows();
      }
    }
    if (final && !this.sink) this.startRows();
    return pos;
  }

  finish(bytesRead: number): ReadResult {
    if (!this.sink) this.startRows();
    this.report.bytesRead = bytesRead;
    return { frame: this.sink!.store.toFrame(), report: this.report.build(this.columns) };
  }

  private startRows(): void {
    const { columns, warnings } = inferJsonSchema(
      this.sample.map((r) => r.value),
      this.missing,
      this.options.schema,
      this.options.typeHints,
    );
    this.columns = columns;
    this.report.warnings.push(...warnings);
    const rows = this.sample.length;
    const capacity =
      this.sizeHint !== undefined && rows > 0 && this.sampleBytes > 0
        ? Math.min((this.sizeHint / (this.sampleBytes / rows)) * 1.05 + 16, 2 ** 28)
        : Math.max(1024, rows * 2);
    this.sink = new JsonRowSink(
      new ColumnStore(columns, capacity),
      this.report,
      this.missing,
      this.options.onBadValue,
    );
    for (const record of this.sample) this.sink.add(record);
    this.sample.length = 0;
  }
}

function parseLine(text: string, line: number): JsonRecord {
  const raw = () => text;
  try {
    return { value: JSON.parse(text), line, raw };
  } catch (error) {
    return { value: undefined, line, raw, error: error instanceof Error ? error.message : String(error) };
  }
}
