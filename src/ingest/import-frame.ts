import type { Frame } from '../data/frame.ts';
import type { Store } from '../store/store.ts';
import { toEntityChunks } from './entity-chunks.ts';

export interface ImportSummary {
  readonly keys: number;
  readonly rows: number;
  /** Rows refused (no key, a reserved key, no time): quarantined with the reason, not stored. */
  readonly rejectedRows: number;
}

/**
 * Stores a frame already in memory (benchmarks, tests, a program embedding aimass) through the
 * same row → entity-chunk rules as every source, one commit per `batchKeys` keys.
 */
export async function importFrame(
  store: Store,
  fleet: string,
  frame: Frame,
  keyColumn: string,
  options: { timeColumn?: string; batchKeys?: number; source?: string } = {},
): Promise<ImportSummary> {
  const source = options.source ?? 'frame';
  const entities = toEntityChunks(
    frame,
    { key: keyColumn, time: options.timeColumn ?? null },
    { source, timeUnit: 'auto' },
  );
  const batchKeys = options.batchKeys ?? 2000;
  for (let start = 0; start < Math.max(entities.chunks.length, 1); start += batchKeys)
    await store.commitIngest(fleet, {
      chunks: entities.chunks.slice(start, start + batchKeys),
      quarantine: start === 0 ? entities.rejected.map((r) => r.quarantine) : [],
      columns: start === 0 ? entities.columns : [],
    });
  return { keys: entities.chunks.length, rows: entities.rowsStored, rejectedRows: entities.rejected.length };
}
