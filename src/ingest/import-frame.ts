import { AimassError } from '../core/errors.ts';
import type { Frame } from '../data/frame.ts';
import { entityFrame, groupByKey } from '../data/group.ts';
import { encodeChunk } from '../store/chunk-codec.ts';
import type { Store } from '../store/store.ts';
import type { KeyChunk } from '../store/types.ts';

export interface ImportSummary {
  readonly keys: number;
  readonly rows: number;
  /** Rows without a key value: not stored, counted here (and quarantined by callers with the raw text). */
  readonly missingKeyRows: number;
}

/**
 * Stores a frame's rows per entity as one compact columnar chunk per key, many keys per
 * transaction (`batchKeys`). Rows keep their order; the key column is kept in the chunk so a
 * key's rows read back as a self-contained frame.
 */
export async function importFrame(
  store: Store,
  fleet: string,
  frame: Frame,
  keyColumn: string,
  options: { timeColumn?: string; batchKeys?: number } = {},
): Promise<ImportSummary> {
  const key = frame.columns.find((c) => c.name === keyColumn);
  if (!key)
    throw new AimassError('COLUMN_NOT_FOUND', `the data has no key column "${keyColumn}"`, {
      column: keyColumn,
    });
  const grouped = groupByKey(frame, keyColumn);
  const batchKeys = options.batchKeys ?? 2000;
  let batch: KeyChunk[] = [];
  let rows = 0;
  for (let i = 0; i < grouped.keys.length; i++) {
    const entity = entityFrame(grouped, i);
    rows += entity.rowCount;
    batch.push({ key: grouped.keys[i], chunk: encodeChunk(entity, { timeColumn: options.timeColumn }) });
    if (batch.length >= batchKeys) {
      await store.appendMany(fleet, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.appendMany(fleet, batch);
  return { keys: grouped.keys.length, rows, missingKeyRows: grouped.missingKeyRows };
}
