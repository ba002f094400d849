import { AimassError, paramError } from '../../core/errors.ts';
import { checkPageSize, decodeNumericCursor, encodeCursor } from '../../core/page.ts';
import type {
  EventQuery,
  NewEvent,
  NewQuarantineRow,
  Page,
  PageQuery,
  QuarantineRow,
  StoredEvent,
} from '../types.ts';
import type { SqliteContext } from './context.ts';

export function insertEventRow(ctx: SqliteContext, fleet: string, event: NewEvent): number {
  if (typeof event.kind !== 'string' || event.kind.length === 0)
    throw new AimassError('PARAM_INVALID', 'store: event kind must be a non-empty string', { field: 'kind' });
  const { id } = ctx.sql
    .get(
      'INSERT INTO events (fleet_id, kind, key, run_id, reason, numbers, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(
      ctx.fleetId(fleet),
      event.kind,
      event.key ?? null,
      event.runId ?? null,
      String(event.reason),
      JSON.stringify(event.numbers ?? {}),
      Date.now(),
    ) as { id: number };
  return id;
}

export function listEventRows(ctx: SqliteContext, fleet: string, query: EventQuery): Page<StoredEvent> {
  const limit = checkPageSize(query.limit);
  const where = ['fleet_id = ?', 'id < ?'];
  const args: unknown[] = [
    ctx.fleetId(fleet),
    query.cursor ? decodeNumericCursor('events', query.cursor) : Number.MAX_SAFE_INTEGER,
  ];
  for (const [column, value] of [
    ['kind', query.kind],
    ['key', query.key],
    ['run_id', query.runId],
  ] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    args.push(value);
  }
  const rows = ctx.sql
    .get(`SELECT id, kind, key, run_id, reason, numbers, created_at FROM events
      WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`)
    .all(...args, limit + 1) as {
    id: number;
    kind: string;
    key: string | null;
    run_id: number | null;
    reason: string;
    numbers: string;
    created_at: number;
  }[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return {
    items: rows.map((r) => ({
      id: r.id,
      fleet,
      kind: r.kind,
      key: r.key,
      runId: r.run_id,
      reason: r.reason,
      numbers: JSON.parse(r.numbers),
      createdAt: r.created_at,
    })),
    nextCursor: more ? encodeCursor('events', rows[rows.length - 1].id) : null,
  };
}

export function addQuarantineRows(
  ctx: SqliteContext,
  fleet: string,
  rows: readonly NewQuarantineRow[],
): void {
  const fleetId = ctx.fleetId(fleet);
  const insert =
    ctx.sql.get(`INSERT INTO quarantine (fleet_id, source, line, column_name, key, reason, raw, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const now = Date.now();
  for (const row of rows) {
    if (typeof row.source !== 'string' || typeof row.reason !== 'string' || row.reason.length === 0)
      throw paramError('store', 'quarantine', row, 'rows with a source and a non-empty reason');
    insert.run(fleetId, row.source, row.line, row.column, row.key, row.reason, row.raw, now);
  }
}

export function listQuarantineRows(ctx: SqliteContext, fleet: string, page: PageQuery): Page<QuarantineRow> {
  const limit = checkPageSize(page.limit);
  const before = page.cursor ? decodeNumericCursor('quarantine', page.cursor) : Number.MAX_SAFE_INTEGER;
  const rows = ctx.sql
    .get(`SELECT id, source, line, column_name, key, reason, raw, created_at FROM quarantine
      WHERE fleet_id = ? AND id < ? ORDER BY id DESC LIMIT ?`)
    .all(ctx.fleetId(fleet), before, limit + 1) as {
    id: number;
    source: string;
    line: number | null;
    column_name: string | null;
    key: string | null;
    reason: string;
    raw: string | null;
    created_at: number;
  }[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return {
    items: rows.map((r) => ({
      id: r.id,
      fleet,
      source: r.source,
      line: r.line,
      column: r.column_name,
      key: r.key,
      reason: r.reason,
      raw: r.raw,
      createdAt: r.created_at,
    })),
    nextCursor: more ? encodeCursor('quarantine', rows[rows.length - 1].id) : null,
  };
}
