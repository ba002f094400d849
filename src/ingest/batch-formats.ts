import { extname } from 'node:path';
import { AimassError, isAimassError } from '../core/errors.ts';
import {
  readCsv,
  readCsvSync,
  readJsonArray,
  readJsonArraySync,
  readNdjson,
  readNdjsonSync,
} from '../data/index.ts';
import type { ReadOptions } from '../data/read-options.ts';
import type { ReadResult } from '../data/read-source.ts';
import { MAX_EXAMPLES, MAX_QUARANTINE_ROWS_PER_BATCH } from './quarantine.ts';
import type { BatchSchema } from './read-schema.ts';

export type BatchFormat = 'csv' | 'ndjson' | 'json';

/**
 * The reader options every source uses: bad values reject their row, rejected rows are kept, and
 * accepted rows keep their line (rows refused after reading name it).
 */
function readOptions(name: string, schema: BatchSchema, firstLine = 1): ReadOptions {
  return {
    fileName: name,
    firstLine,
    rowLines: true,
    schema: schema.schema,
    typeHints: schema.typeHints,
    onBadValue: 'reject-row',
    maxRejectedExamples: MAX_EXAMPLES,
    maxQuarantineRows: MAX_QUARANTINE_ROWS_PER_BATCH,
  };
}

/**
 * A batch held in memory (an HTTP body, an MQTT batch, a tail's new lines); `firstLine` is the
 * line in its file of the batch's first line, so reported lines are the file's.
 */
export function readBatchBytes(
  bytes: Uint8Array,
  format: BatchFormat,
  name: string,
  schema: BatchSchema,
  firstLine = 1,
): ReadResult {
  const options = readOptions(name, schema, firstLine);
  if (format === 'csv') return readCsvSync(bytes, options);
  if (format === 'json') return readJsonArraySync(bytes, options);
  return readNdjsonSync(bytes, options);
}

/** The batch format of a file name, or a FILE_INVALID naming the file. */
export function formatOfFile(file: string): BatchFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv' || extension === '.tsv' || extension === '.txt') return 'csv';
  if (extension === '.ndjson' || extension === '.jsonl') return 'ndjson';
  if (extension === '.json') return 'json';
  throw new AimassError(
    'FILE_INVALID',
    `${file}: unknown file type "${extension}"; expected .csv, .tsv, .ndjson, .jsonl or .json`,
    { file },
  );
}

/** A whole file, streamed by the data/ readers; errors name the file. */
export async function readBatchFile(file: string, schema: BatchSchema): Promise<ReadResult> {
  const format = formatOfFile(file);
  const options = readOptions(file, schema);
  try {
    if (format === 'csv') return await readCsv(file, options);
    if (format === 'json') return await readJsonArray(file, options);
    return await readNdjson(file, options);
  } catch (error) {
    if (!isAimassError(error) || error.context.file !== undefined) throw error;
    const message = error.message.startsWith(file) ? error.message : `${file}: ${error.message}`;
    throw new AimassError(error.code, message, { ...error.context, file }, { cause: error });
  }
}
