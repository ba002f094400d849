import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';
import type { Column, Frame } from '../data/frame.ts';

/**
 * The columnar chunk: one append of rows for one entity, stored as one blob (not one SQL row per
 * reading). Layout (little endian): magic "AMCK", format version u8, row count u32, min time f64,
 * max time f64 (NaN without a time column), column count u32, then per column: name, type tag u8
 * and its typed array (category columns: dictionary strings, then Int32 codes). The fixed header
 * lets the store read row count and time range without decoding the columns.
 */
const MAGIC = 0x4b434d41; // "AMCK"
const FORMAT_VERSION = 1;
const HEADER_BYTES = 4 + 1 + 4 + 8 + 8;
const MAX_COLUMNS = 4096;

const TYPE_TAGS = { number: 0, time: 1, boolean: 2, category: 3 } as const;
const TAG_TYPES = ['number', 'time', 'boolean', 'category'] as const;

export interface ChunkHeader {
  /** Rows in the chunk. */
  readonly rowCount: number;
  /** Smallest non-missing time, NaN when none. */
  readonly minTime: number;
  /** Largest non-missing time, NaN when none. */
  readonly maxTime: number;
}

export interface EncodeChunkOptions {
  /** Column whose min/max is recorded; default: the first `time` column. */
  readonly timeColumn?: string;
}

/** Encodes a frame as one chunk. */
export function encodeChunk(frame: Frame, options: EncodeChunkOptions = {}): Uint8Array {
  if (frame.columns.length > MAX_COLUMNS)
    throw new AimassError('DATA_INVALID', `chunk: ${frame.columns.length} columns exceed ${MAX_COLUMNS}`);
  const timeName = options.timeColumn ?? frame.columns.find((c) => c.type === 'time')?.name;
  let minTime = Number.NaN;
  let maxTime = Number.NaN;
  if (timeName !== undefined) {
    const column = frame.columns.find((c) => c.name === timeName);
    if (!column || (column.type !== 'time' && column.type !== 'number'))
      throw new AimassError('COLUMN_NOT_FOUND', `chunk: no numeric time column "${timeName}"`, {
        column: timeName,
      });
    // Missing times (NaN) are skipped: NaN comparisons are false, so they never win.
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    const values = column.values;
    for (let i = 0; i < values.length; i++) {
      const t = values[i];
      if (t < low) low = t;
      if (t > high) high = t;
    }
    if (low <= high) {
      minTime = low;
      maxTime = high;
    }
  }
  const writer = new BinaryWriter(HEADER_BYTES + 64 + frame.rowCount * frame.columns.length * 8);
  writer.u32(MAGIC);
  writer.u8(FORMAT_VERSION);
  writer.u32(frame.rowCount);
  writer.f64(minTime);
  writer.f64(maxTime);
  writer.u32(frame.columns.length);
  for (const column of frame.columns) {
    writer.string(column.name);
    writer.u8(TYPE_TAGS[column.type]);
    if (column.type === 'category') {
      const compact = compactCategories(column.codes, column.dictionary);
      writer.strings(compact.dictionary);
      writer.i32Array(compact.codes);
    } else if (column.type === 'boolean') writer.i8Array(column.values);
    else writer.f64Array(column.values);
  }
  return writer.finish();
}

/**
 * Only the categories a chunk uses, in order of first use. A slice of a big frame shares the whole
 * frame's dictionary (a key column of 10,000 entities in every entity's chunk made storage grow
 * with the square of the key count); this costs one pass over the codes, never one over the
 * dictionary.
 */
function compactCategories(
  codes: Int32Array,
  dictionary: readonly string[],
): { codes: Int32Array; dictionary: string[] } {
  const remap = new Map<number, number>();
  const used: string[] = [];
  const out = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code < 0) {
      out[i] = -1;
      continue;
    }
    let next = remap.get(code);
    if (next === undefined) {
      if (code >= dictionary.length)
        throw new AimassError(
          'DATA_INVALID',
          `chunk: category code ${code} is outside its dictionary of ${dictionary.length}`,
          { row: i },
        );
      next = used.length;
      remap.set(code, next);
      used.push(dictionary[code]);
    }
    out[i] = next;
  }
  return { codes: out, dictionary: used };
}

/** Reads the fixed header only (cheap: the store calls it on every append to validate). */
export function readChunkHeader(bytes: Uint8Array): ChunkHeader {
  const reader = new BinaryReader(bytes, 'chunk');
  if (bytes.length < HEADER_BYTES || reader.u32() !== MAGIC) throw reader.corrupt('not a chunk (bad magic)');
  const version = reader.u8();
  if (version !== FORMAT_VERSION)
    throw new AimassError('CODEC_UNSUPPORTED', `chunk format version ${version} is not supported`, {
      value: version,
      expected: String(FORMAT_VERSION),
    });
  const rowCount = reader.u32();
  const minTime = reader.f64();
  const maxTime = reader.f64();
  return { rowCount, minTime, maxTime };
}

/** Decodes one chunk to a frame; corrupt bytes throw `CODEC_CORRUPT`. */
export function decodeChunk(bytes: Uint8Array): Frame {
  const header = readChunkHeader(bytes);
  const reader = new BinaryReader(bytes, 'chunk');
  reader.u32();
  reader.u8();
  reader.u32();
  reader.f64();
  reader.f64();
  const columnCount = reader.count(MAX_COLUMNS, 'column count');
  const columns: Column[] = [];
  const names = new Set<string>();
  for (let j = 0; j < columnCount; j++) {
    const name = reader.string();
    if (names.has(name)) throw reader.corrupt(`duplicate column "${name}"`);
    names.add(name);
    const tag = reader.u8();
    const type = TAG_TYPES[tag];
    let column: Column;
    if (type === 'category') {
      const dictionary = reader.strings();
      const codes = reader.i32Array();
      for (let i = 0; i < codes.length; i++)
        if (codes[i] < -1 || codes[i] >= dictionary.length) throw reader.corrupt(`category code ${codes[i]}`);
      column = { type, name, codes, dictionary };
    } else if (type === 'boolean') column = { type, name, values: reader.i8Array() };
    else if (type === 'number' || type === 'time') column = { type, name, values: reader.f64Array() };
    else throw reader.corrupt(`unknown column type tag ${tag}`);
    const length = column.type === 'category' ? column.codes.length : column.values.length;
    if (length !== header.rowCount)
      throw reader.corrupt(`column "${name}" has ${length} rows, header says ${header.rowCount}`);
    columns.push(column);
  }
  reader.end();
  return { rowCount: header.rowCount, columns };
}

/**
 * Decodes chunks and concatenates them in order. Columns are the union by name (first-seen
 * order); a column absent from a chunk is missing there (NaN / -1). Category dictionaries are
 * merged and codes remapped. A name with two different types throws `DATA_INVALID`.
 */
export function decodeChunks(chunks: readonly Uint8Array[]): Frame {
  return concatFrames(chunks.map(decodeChunk));
}

/** Concatenates frames in order, with the column union and dictionary merge of `decodeChunks`. */
export function concatFrames(frames: readonly Frame[]): Frame {
  if (frames.length === 1) return frames[0];
  let rowCount = 0;
  const types = new Map<string, Column['type']>();
  for (const frame of frames) {
    rowCount += frame.rowCount;
    for (const column of frame.columns) {
      const seen = types.get(column.name);
      if (seen === undefined) types.set(column.name, column.type);
      else if (seen !== column.type)
        throw new AimassError(
          'DATA_INVALID',
          `chunks disagree on column "${column.name}": ${seen} and ${column.type}`,
          { column: column.name },
        );
    }
  }
  const columns: Column[] = [];
  for (const [name, type] of types) columns.push(concatColumn(name, type, frames, rowCount));
  return { rowCount, columns };
}

function concatColumn(name: string, type: Column['type'], frames: readonly Frame[], rows: number): Column {
  if (type === 'category') {
    const codes = new Int32Array(rows);
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    let at = 0;
    for (const frame of frames) {
      const column = frame.columns.find((c) => c.name === name);
      if (column?.type !== 'category') {
        codes.fill(-1, at, at + frame.rowCount);
      } else {
        const remap = new Int32Array(column.dictionary.length);
        for (let d = 0; d < column.dictionary.length; d++) {
          const value = column.dictionary[d];
          let code = index.get(value);
          if (code === undefined) {
            code = dictionary.length;
            index.set(value, code);
            dictionary.push(value);
          }
          remap[d] = code;
        }
        const source = column.codes;
        for (let i = 0; i < source.length; i++) codes[at + i] = source[i] < 0 ? -1 : remap[source[i]];
      }
      at += frame.rowCount;
    }
    return { type, name, codes, dictionary };
  }
  if (type === 'boolean') {
    const values = new Int8Array(rows);
    let at = 0;
    for (const frame of frames) {
      const column = frame.columns.find((c) => c.name === name);
      if (column && column.type === 'boolean') values.set(column.values, at);
      else values.fill(-1, at, at + frame.rowCount);
      at += frame.rowCount;
    }
    return { type, name, values };
  }
  const values = new Float64Array(rows);
  let at = 0;
  for (const frame of frames) {
    const column = frame.columns.find((c) => c.name === name);
    if (column && (column.type === 'number' || column.type === 'time')) values.set(column.values, at);
    else values.fill(Number.NaN, at, at + frame.rowCount);
    at += frame.rowCount;
  }
  return { type, name, values };
}
