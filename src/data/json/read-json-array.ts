import { AimassError } from '../../core/errors.ts';
import { bomLength } from '../bytes.ts';
import { ColumnStore } from '../column-store.ts';
import { createMissingMatcher } from '../missing.ts';
import { ReportBuilder } from '../read-report.ts';
import { type ByteSource, type PushReader, type ReadResult, readBytes, readSource } from '../read-source.ts';
import { type JsonOptions, type ResolvedJsonOptions, resolveJsonOptions } from './json-options.ts';
import { inferJsonSchema, JsonRowSink } from './json-rows.ts';

/**
 * A JSON document holding an array of objects. The whole document is parsed at once (so it must
 * fit in one string, about 512 MB on Node 20); prefer NDJSON for big inputs. Elements that are not
 * objects or hold bad values are rejected like CSV rows; issues carry `row` (the element's
 * 1-based index), not `line`. A document that is not valid JSON or not an array is FILE_INVALID.
 */
export async function readJsonArray(source: ByteSource, options: JsonOptions = {}): Promise<ReadResult> {
  const resolved = resolveJsonOptions(
    'json reader',
    options,
    typeof source === 'string' ? source : undefined,
  );
  // The document is kept whole, so the per-row size limit does not apply to it.
  return readSource(
    source,
    { ...resolved, maxRowBytes: Number.POSITIVE_INFINITY },
    () => new JsonArrayReader(resolved),
  );
}

export function readJsonArraySync(bytes: Uint8Array, options: JsonOptions = {}): ReadResult {
  const resolved = resolveJsonOptions('json reader', options);
  return readBytes(bytes, () => new JsonArrayReader(resolved));
}

export function parseJsonArrayText(text: string, options: JsonOptions = {}): ReadResult {
  return readJsonArraySync(Buffer.from(text, 'utf8'), options);
}

class JsonArrayReader implements PushReader {
  private readonly chunks: Buffer[] = [];
  readonly nextLine = 1;

  constructor(private readonly options: Readonly<ResolvedJsonOptions>) {}

  push(buf: Buffer, _final: boolean): number {
    // Copied: a stream producer may reuse its buffers.
    if (buf.length > 0) this.chunks.push(Buffer.from(buf));
    return buf.length;
  }

  finish(bytesRead: number): ReadResult {
    const { fileName } = this.options;
    const bytes = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    let document: unknown;
    try {
      document = JSON.parse(bytes.toString('utf8', bomLength(bytes, 0, bytes.length)));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new AimassError(
        'FILE_INVALID',
        `${fileName}: not valid JSON: ${detail}`,
        { file: fileName },
        { cause: error },
      );
    }
    if (!Array.isArray(document)) {
      throw new AimassError(
        'FILE_INVALID',
        `${fileName}: expected a JSON array of objects at the top level`,
        {
          file: fileName,
          expected: 'a JSON array of objects',
        },
      );
    }
    const missing = createMissingMatcher(this.options.missingTokens);
    const report = new ReportBuilder(fileName, 'json', this.options);
    const { columns, warnings } = inferJsonSchema(
      document.slice(0, this.options.inferRows),
      missing,
      this.options.schema,
      this.options.typeHints,
    );
    report.warnings.push(...warnings);
    const sink = new JsonRowSink(
      new ColumnStore(columns, document.length),
      report,
      missing,
      this.options.onBadValue,
    );
    for (const element of document)
      sink.add({ value: element, raw: () => JSON.stringify(element) ?? 'undefined' });
    report.bytesRead = bytesRead;
    return { frame: sink.store.toFrame(), report: report.build(columns) };
  }
}
