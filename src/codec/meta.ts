import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { paramError } from '../core/errors.ts';
import { type ParamObject, readParamValue, writeParamValue } from './param-value.ts';

/** What a bundle says about itself, besides the fitted states. */
export interface BundleMeta {
  readonly fleet: string;
  /** The entity key served; for a fallback model, its own id (e.g. a cluster name). */
  readonly key: string;
  /** Model version of this (fleet, key): an integer in [0, 2^32). */
  readonly version: number;
  /** Version of the fleet spec the model was trained under: an integer in [0, 2^32). */
  readonly specVersion: number;
  /** The chosen algorithm's resolved params (JSON-safe). */
  readonly params: ParamObject;
  /** Metric name → value (any float64, NaN allowed: e.g. R² of a constant target). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Rows the final model was fitted on: a safe integer ≥ 0. */
  readonly trainingRows: number;
  /** Time span of the training data (epoch ms, finite, min ≤ max), or null when there is no time column. */
  readonly dataRange: { readonly minTimeMs: number; readonly maxTimeMs: number } | null;
  /** Epoch ms, finite. */
  readonly createdAtMs: number;
  /** Why a fallback model serves this key instead of its own, or null for an entity's own model. */
  readonly fallbackReason: string | null;
}

function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/** Encode-time checks: a bad field is PARAM_INVALID naming it, never a silently wrong blob. */
export function writeMeta(writer: BinaryWriter, meta: BundleMeta): void {
  const invalid = (field: string, value: unknown, expected: string) =>
    paramError('encodeBundle', `meta.${field}`, value, expected);
  if (typeof meta.fleet !== 'string') throw invalid('fleet', meta.fleet, 'a string');
  if (typeof meta.key !== 'string') throw invalid('key', meta.key, 'a string');
  if (!isU32(meta.version)) throw invalid('version', meta.version, 'an integer in [0, 2^32)');
  if (!isU32(meta.specVersion)) throw invalid('specVersion', meta.specVersion, 'an integer in [0, 2^32)');
  if (!Number.isSafeInteger(meta.trainingRows) || meta.trainingRows < 0)
    throw invalid('trainingRows', meta.trainingRows, 'a safe integer ≥ 0');
  if (!Number.isFinite(meta.createdAtMs)) throw invalid('createdAtMs', meta.createdAtMs, 'finite epoch ms');
  const range = meta.dataRange;
  if (
    range !== null &&
    !(
      Number.isFinite(range.minTimeMs) &&
      Number.isFinite(range.maxTimeMs) &&
      range.minTimeMs <= range.maxTimeMs
    )
  )
    throw invalid('dataRange', range, 'null or finite { minTimeMs ≤ maxTimeMs }');
  if (meta.fallbackReason !== null && typeof meta.fallbackReason !== 'string')
    throw invalid('fallbackReason', meta.fallbackReason, 'a string or null');
  if (meta.params === null || typeof meta.params !== 'object' || Array.isArray(meta.params))
    throw invalid('params', meta.params, 'a plain object');
  const metrics = Object.entries(meta.metrics);
  for (const [name, value] of metrics)
    if (typeof value !== 'number') throw invalid(`metrics.${name}`, value, 'a number');

  writer.string(meta.fleet);
  writer.string(meta.key);
  writer.u32(meta.version);
  writer.u32(meta.specVersion);
  writer.f64(meta.trainingRows);
  writer.f64(meta.createdAtMs);
  writer.bool(range !== null);
  if (range !== null) {
    writer.f64(range.minTimeMs);
    writer.f64(range.maxTimeMs);
  }
  writer.nullableString(meta.fallbackReason);
  writer.u32(metrics.length);
  for (const [name, value] of metrics) {
    writer.string(name);
    writer.f64(value);
  }
  writeParamValue(writer, meta.params, 'meta.params');
}

/** Reads exactly what `writeMeta` wrote, with the same rules; anything else is CODEC_CORRUPT. */
export function readMeta(reader: BinaryReader): BundleMeta {
  const fleet = reader.string();
  const key = reader.string();
  const version = reader.u32();
  const specVersion = reader.u32();
  const trainingRows = reader.f64();
  if (!Number.isSafeInteger(trainingRows) || trainingRows < 0)
    throw reader.corrupt(`training rows ${trainingRows} is not a safe integer ≥ 0`);
  const createdAtMs = reader.finite('created_at');
  let dataRange: BundleMeta['dataRange'] = null;
  if (reader.bool()) {
    const minTimeMs = reader.finite('data range min');
    const maxTimeMs = reader.finite('data range max');
    if (minTimeMs > maxTimeMs) throw reader.corrupt('data range min exceeds max');
    dataRange = Object.freeze({ minTimeMs, maxTimeMs });
  }
  const fallbackReason = reader.nullableString();
  // Each metric takes at least a 4-byte name length and an 8-byte value.
  const metricCount = reader.count(reader.remaining / 12, 'metric count');
  const metrics: [string, number][] = new Array(metricCount);
  const seen = new Set<string>();
  for (let i = 0; i < metricCount; i++) {
    const name = reader.string();
    if (seen.has(name)) throw reader.corrupt(`duplicate metric ${JSON.stringify(name)}`);
    seen.add(name);
    metrics[i] = [name, reader.f64()];
  }
  const params = readParamValue(reader);
  if (params === null || typeof params !== 'object' || Array.isArray(params))
    throw reader.corrupt('params is not an object');
  return Object.freeze({
    fleet,
    key,
    version,
    specVersion,
    params: params as ParamObject,
    metrics: Object.freeze(Object.fromEntries(metrics)),
    trainingRows,
    dataRange,
    createdAtMs,
    fallbackReason,
  });
}
