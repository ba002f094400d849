import { AimassError, paramError } from '../../core/errors.ts';
import type { ChunkHeader } from '../chunk-codec.ts';
import type { DataColumn, IngestCommit, IngestDedupe, IngestOutcome } from '../types.ts';
import type { SqliteContext } from './context.ts';
import { appendChunkRows } from './sqlite-data.ts';
import { addQuarantineRows } from './sqlite-events.ts';

const DEFAULT_KEEP_MS = 7 * 24 * 3600 * 1000;
const COLUMN_TYPES = new Set(['number', 'category', 'time', 'boolean']);
/** Ids per `IN (…)` lookup: SQLite's default limit on host parameters is 32766. */
const LOOKUP_BATCH = 500;

/** Validates a commit's shape before the transaction (the store's own argument checks). */
export function checkIngestCommit(commit: IngestCommit): void {
  const { dedupe, cursor, columns } = commit;
  if (dedupe !== undefined) {
    if (typeof dedupe.source !== 'string' || dedupe.source.length === 0 || dedupe.source.length > 256)
      throw paramError(
        'store',
        'dedupe.source',
        dedupe.source,
        'a non-empty string of at most 256 characters',
      );
    for (const id of dedupe.ids)
      if (typeof id !== 'string' || id.length === 0 || id.length > 512)
        throw paramError('store', 'dedupe.ids', id, 'non-empty strings of at most 512 characters');
    if (new Set(dedupe.ids).size !== dedupe.ids.length)
      throw paramError(
        'store',
        'dedupe.ids',
        dedupe.ids.length,
        'distinct ids (drop repeats within a batch first)',
      );
  }
  if (cursor !== undefined && (typeof cursor.source !== 'string' || typeof cursor.value !== 'string'))
    throw paramError('store', 'cursor', cursor, '{source, value} strings');
  for (const column of columns ?? [])
    if (typeof column.name !== 'string' || !COLUMN_TYPES.has(column.type))
      throw paramError('store', 'columns', column, 'columns {name, type: number|category|time|boolean}');
}

/** The stored ids among `ids` (caller holds a transaction or reads a snapshot). */
export function receiptRows(
  ctx: SqliteContext,
  fleetId: number,
  source: string,
  ids: readonly string[],
): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (let start = 0; start < ids.length; start += LOOKUP_BATCH) {
    const part = ids.slice(start, start + LOOKUP_BATCH);
    const rows = ctx.sql
      .get(
        `SELECT id, receipt FROM ingest_ids WHERE fleet_id = ? AND source = ? AND id IN (${part.map(() => '?').join(',')})`,
      )
      .all(fleetId, source, ...part) as { id: string; receipt: string | null }[];
    for (const row of rows) found.set(row.id, row.receipt === null ? null : JSON.parse(row.receipt));
  }
  return found;
}

/**
 * Writes one ingest commit (caller holds the IMMEDIATE transaction): dedupe ids are checked first,
 * so a duplicate batch writes nothing at all.
 */
export function commitIngestRows(
  ctx: SqliteContext,
  fleet: string,
  commit: IngestCommit,
  headers: readonly ChunkHeader[],
): IngestOutcome {
  const fleetId = ctx.fleetId(fleet);
  const now = Date.now();
  const { dedupe } = commit;
  if (dedupe !== undefined && dedupe.ids.length > 0) {
    const seen = receiptRows(ctx, fleetId, dedupe.source, dedupe.ids);
    if (seen.size > 0)
      return { committed: false, duplicates: [...seen].map(([id, receipt]) => ({ id, receipt })) };
  }
  if (commit.columns !== undefined && commit.columns.length > 0)
    registerColumns(ctx, fleetId, fleet, commit.columns, now);
  if (commit.chunks.length > 0) appendChunkRows(ctx, fleet, commit.chunks, headers);
  if (commit.quarantine !== undefined && commit.quarantine.length > 0)
    addQuarantineRows(ctx, fleet, commit.quarantine);
  if (dedupe !== undefined && dedupe.ids.length > 0) insertIds(ctx, fleetId, dedupe, now);
  if (commit.cursor !== undefined)
    ctx.sql
      .get(`INSERT INTO ingest_cursors (fleet_id, source, value, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (fleet_id, source) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`)
      .run(fleetId, commit.cursor.source, commit.cursor.value, now);
  return { committed: true };
}

function insertIds(ctx: SqliteContext, fleetId: number, dedupe: IngestDedupe, now: number): void {
  const receipt = dedupe.receipt === undefined ? null : JSON.stringify(dedupe.receipt);
  const insert = ctx.sql.get(
    'INSERT INTO ingest_ids (fleet_id, source, id, receipt, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const id of dedupe.ids) insert.run(fleetId, dedupe.source, id, receipt, now);
}

function registerColumns(
  ctx: SqliteContext,
  fleetId: number,
  fleet: string,
  columns: readonly DataColumn[],
  now: number,
): void {
  const known = new Map(dataColumnRows(ctx, fleetId).map((c) => [c.name, c.type]));
  const insert = ctx.sql.get(
    'INSERT INTO data_columns (fleet_id, name, type, created_at) VALUES (?, ?, ?, ?)',
  );
  for (const column of columns) {
    const type = known.get(column.name);
    if (type === undefined) {
      insert.run(fleetId, column.name, column.type, now);
      known.set(column.name, column.type);
    } else if (type !== column.type)
      throw new AimassError(
        'DATA_INVALID',
        `column "${column.name}" holds ${type} values in fleet "${fleet}"; this batch read it as ${column.type}`,
        { fleet, column: column.name, expected: type },
        { retryable: true },
      );
  }
}

export function dataColumnRows(ctx: SqliteContext, fleetId: number): DataColumn[] {
  return ctx.sql
    .get('SELECT name, type FROM data_columns WHERE fleet_id = ? ORDER BY name')
    .all(fleetId) as DataColumn[];
}

export function cursorRow(ctx: SqliteContext, fleetId: number, source: string): string | undefined {
  const row = ctx.sql
    .get('SELECT value FROM ingest_cursors WHERE fleet_id = ? AND source = ?')
    .get(fleetId, source) as { value: string } | undefined;
  return row?.value;
}

/** Forgets ids older than the source's `keepMs` and beyond its `keepLast` newest. */
export function pruneIdRows(ctx: SqliteContext, fleetId: number, dedupe: IngestDedupe): number {
  const cutoff = Date.now() - (dedupe.keepMs ?? DEFAULT_KEEP_MS);
  let deleted = ctx.sql
    .get('DELETE FROM ingest_ids WHERE fleet_id = ? AND source = ? AND created_at < ?')
    .run(fleetId, dedupe.source, cutoff).changes;
  if (dedupe.keepLast !== undefined) {
    const edge = ctx.sql
      .get(
        'SELECT created_at FROM ingest_ids WHERE fleet_id = ? AND source = ? ORDER BY created_at DESC LIMIT 1 OFFSET ?',
      )
      .get(fleetId, dedupe.source, dedupe.keepLast) as { created_at: number } | undefined;
    // Ids of one commit share a time: the window keeps whole commits (a little over keepLast).
    if (edge !== undefined)
      deleted += ctx.sql
        .get('DELETE FROM ingest_ids WHERE fleet_id = ? AND source = ? AND created_at < ?')
        .run(fleetId, dedupe.source, edge.created_at).changes;
  }
  return deleted;
}
