import { checkPageSize, decodeCursor, encodeCursor } from '../../core/page.ts';
import { nullableNumber } from '../../sqlite/connection.ts';
import type { ChunkHeader } from '../chunk-codec.ts';
import type { KeyChunk, KeyInfo, Page, PageQuery } from '../types.ts';
import type { SqliteContext } from './context.ts';

/** Appends chunks (caller holds the transaction; `headers[i]` was read from `chunks[i]`). */
export function appendChunkRows(
  ctx: SqliteContext,
  fleet: string,
  chunks: readonly KeyChunk[],
  headers: readonly ChunkHeader[],
): void {
  const fleetId = ctx.fleetId(fleet);
  // min(coalesce(a, b), coalesce(b, a)) ignores a NULL side, which plain min() would not.
  const upsert = ctx.sql.get(`INSERT INTO entities (fleet_id, key, row_count, chunk_count, min_time, max_time)
    VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (fleet_id, key) DO UPDATE SET
      row_count = row_count + excluded.row_count,
      chunk_count = chunk_count + 1,
      min_time = min(coalesce(min_time, excluded.min_time), coalesce(excluded.min_time, min_time)),
      max_time = max(coalesce(max_time, excluded.max_time), coalesce(excluded.max_time, max_time))
    RETURNING id, chunk_count`);
  const insert = ctx.sql.get(
    'INSERT INTO chunks (entity_id, seq, row_count, min_time, max_time, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const now = Date.now();
  for (let i = 0; i < chunks.length; i++) {
    const header = headers[i];
    const minTime = nullableNumber(header.minTime);
    const maxTime = nullableNumber(header.maxTime);
    const entity = upsert.get(fleetId, chunks[i].key, header.rowCount, minTime, maxTime) as {
      id: number;
      chunk_count: number;
    };
    insert.run(entity.id, entity.chunk_count, header.rowCount, minTime, maxTime, now, chunks[i].chunk);
  }
}

export function readChunkRows(ctx: SqliteContext, fleet: string, key: string): Uint8Array[] {
  const rows = ctx.sql
    .get(
      'SELECT c.data FROM entities e JOIN chunks c ON c.entity_id = e.id WHERE e.fleet_id = ? AND e.key = ? ORDER BY c.seq',
    )
    .all(ctx.fleetId(fleet), key) as { data: Uint8Array }[];
  return rows.map((row) => row.data);
}

export function listKeyRows(ctx: SqliteContext, fleet: string, page: PageQuery): Page<KeyInfo> {
  const limit = checkPageSize(page.limit);
  const after = page.cursor ? decodeCursor('keys', page.cursor) : '';
  const rows = ctx.sql
    .get(`SELECT key, row_count, chunk_count, min_time, max_time FROM entities
      WHERE fleet_id = ? AND key > ? ORDER BY key LIMIT ?`)
    .all(ctx.fleetId(fleet), after, limit + 1) as {
    key: string;
    row_count: number;
    chunk_count: number;
    min_time: number | null;
    max_time: number | null;
  }[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return {
    items: rows.map((r) => ({
      key: r.key,
      rowCount: r.row_count,
      chunkCount: r.chunk_count,
      minTime: r.min_time,
      maxTime: r.max_time,
    })),
    nextCursor: more ? encodeCursor('keys', rows[rows.length - 1].key) : null,
  };
}

export function rowCountRow(ctx: SqliteContext, fleet: string, key: string): number {
  const row = ctx.sql
    .get('SELECT row_count FROM entities WHERE fleet_id = ? AND key = ?')
    .get(ctx.fleetId(fleet), key) as { row_count: number } | undefined;
  return row?.row_count ?? 0;
}
