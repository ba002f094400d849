import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { paramError } from '../core/errors.ts';

/** A JSON-safe value: what estimator and transformer params are made of. */
export type ParamValue = null | boolean | number | string | readonly ParamValue[] | ParamObject;
export interface ParamObject {
  readonly [field: string]: ParamValue;
}

// A tiny typed binary encoding instead of JSON text: no parser of foreign syntax, exact doubles
// (NaN and -0 included), and every count is checked against the bytes that remain.
const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_NUMBER = 3;
const TAG_STRING = 4;
const TAG_ARRAY = 5;
const TAG_OBJECT = 6;

/** Nesting limit on both sides: params are flat in practice; this also stops cycles. */
export const MAX_PARAM_DEPTH = 16;

/**
 * Writes a JSON-safe value. Object fields that are `undefined` are skipped (as JSON does);
 * anything else that JSON cannot hold (functions, symbols, bigints, class instances, typed arrays,
 * cycles) is PARAM_INVALID naming the path.
 */
export function writeParamValue(writer: BinaryWriter, value: unknown, path = 'params', depth = 0): void {
  if (depth > MAX_PARAM_DEPTH)
    throw paramError('encodeBundle', path, '(nested value)', `at most ${MAX_PARAM_DEPTH} levels`);
  if (value === null) writer.u8(TAG_NULL);
  else if (value === false) writer.u8(TAG_FALSE);
  else if (value === true) writer.u8(TAG_TRUE);
  else if (typeof value === 'number') {
    writer.u8(TAG_NUMBER);
    writer.f64(value);
  } else if (typeof value === 'string') {
    writer.u8(TAG_STRING);
    writer.string(value);
  } else if (Array.isArray(value)) {
    writer.u8(TAG_ARRAY);
    writer.u32(value.length);
    for (let i = 0; i < value.length; i++) writeParamValue(writer, value[i], `${path}[${i}]`, depth + 1);
  } else if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, field]) => field !== undefined);
    writer.u8(TAG_OBJECT);
    writer.u32(entries.length);
    for (const [name, field] of entries) {
      writer.string(name);
      writeParamValue(writer, field, `${path}.${name}`, depth + 1);
    }
  } else {
    throw paramError(
      'encodeBundle',
      path,
      value,
      'a JSON-safe value (null, boolean, number, string, array, plain object)',
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Reads a value written by `writeParamValue`; arrays and objects come back frozen. */
export function readParamValue(reader: BinaryReader, depth = 0): ParamValue {
  if (depth > MAX_PARAM_DEPTH) throw reader.corrupt(`params nested deeper than ${MAX_PARAM_DEPTH}`);
  const tag = reader.u8();
  switch (tag) {
    case TAG_NULL:
      return null;
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_NUMBER:
      return reader.f64();
    case TAG_STRING:
      return reader.string();
    case TAG_ARRAY: {
      // Every element takes at least its tag byte.
      const count = reader.count(reader.remaining, 'params array length');
      const items: ParamValue[] = new Array(count);
      for (let i = 0; i < count; i++) items[i] = readParamValue(reader, depth + 1);
      return Object.freeze(items);
    }
    case TAG_OBJECT: {
      // Every field takes at least a 4-byte name length and a tag byte.
      const count = reader.count(reader.remaining / 5, 'params field count');
      const entries: [string, ParamValue][] = new Array(count);
      const seen = new Set<string>();
      for (let i = 0; i < count; i++) {
        const name = reader.string();
        if (seen.has(name)) throw reader.corrupt(`duplicate params field ${JSON.stringify(name)}`);
        seen.add(name);
        entries[i] = [name, readParamValue(reader, depth + 1)];
      }
      // fromEntries defines own properties, so a field named "__proto__" cannot touch the prototype.
      return Object.freeze(Object.fromEntries(entries));
    }
    default:
      throw reader.corrupt(`unknown params value tag ${tag}`);
  }
}
