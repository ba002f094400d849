import type { FieldRule } from '../../core/params.ts';
import { type ReadOptions, type ResolvedReadOptions, resolveReadOptions } from '../read-options.ts';

/** NDJSON / JSON-array reader options (see `ReadOptions` for the shared ones). */
export interface JsonOptions extends ReadOptions {
  /** Bytes per read when reading a file. Default: 1 MiB. */
  chunkBytes?: number;
}

export interface ResolvedJsonOptions extends ResolvedReadOptions {
  chunkBytes: number;
}

const JSON_DEFAULTS = { chunkBytes: 1024 * 1024 };
const JSON_RULES: Record<keyof typeof JSON_DEFAULTS, FieldRule> = {
  chunkBytes: { type: 'number', min: 1, integer: true },
};

export function resolveJsonOptions(
  owner: string,
  given: unknown,
  defaultFileName?: string,
): Readonly<ResolvedJsonOptions> {
  return resolveReadOptions(owner, given, JSON_DEFAULTS, JSON_RULES, defaultFileName);
}
