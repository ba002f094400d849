import { AimassError, paramError } from '../../core/errors.ts';
import { checkPageSize, decodeNumericCursor, encodeCursor } from '../../core/page.ts';
import type {
  KeyFailure,
  NewEvent,
  NewModel,
  NewRun,
  Page,
  PageQuery,
  Run,
  RunProgress,
  Shard,
  ShardDoneResult,
  ShardStatus,
} from '../types.ts';
import { checkKey } from '../validate.ts';
import type { SqliteContext } from './context.ts';
import { insertModelRows } from './sqlite-models.ts';

interface RunRow {
  id: number;
  fleet: string;
  spec_version: number;
  status: Run['status'];
  key_count: number;
  shard_count: number;
  created_at: number;
  finished_at: number | null;
  error: string | null;
}

interface ShardRow {
  run_id: number;
  shard: number;
  keys: string | null;
  key_from: string | null;
  key_to: string | null;
  key_count: number;
  status: ShardStatus;
  attempts: number;
  model_count: number;
  failure_count: number;
  error: string | null;
  updated_at: number;
}

const RUN_COLUMNS =
  'r.id, f.name AS fleet, r.spec_version, r.status, r.key_count, r.shard_count, r.created_at, r.finished_at, r.error';

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    fleet: row.fleet,
    specVersion: row.spec_version,
    status: row.status,
    keyCount: row.key_count,
    shardCount: row.shard_count,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

function toShard(row: ShardRow): Shard {
  return {
    runId: row.run_id,
    shard: row.shard,
    keys: row.keys === null ? null : (JSON.parse(row.keys) as string[]),
    keyFrom: row.key_from,
    keyTo: row.key_to,
    keyCount: row.key_count,
    status: row.status,
    attempts: row.attempts,
    modelCount: row.model_count,
    failureCount: row.failure_count,
    error: row.error,
    updatedAt: row.updated_at,
  };
}

export function createRunRows(ctx: SqliteContext, fleet: string, run: NewRun): Run {
  const fleetId = ctx.fleetId(fleet);
  if (!Number.isSafeInteger(run.keyCount) || run.keyCount < 0)
    throw paramError('store', 'keyCount', run.keyCount, 'a non-negative integer');
  if (!Number.isSafeInteger(run.specVersion) || run.specVersion < 0)
    throw paramError('store', 'specVersion', run.specVersion, 'a non-negative integer');
  const now = Date.now();
  // A run without shards has nothing to wait for: it is done at once.
  const empty = run.shards.length === 0;
  const { id } = ctx.sql
    .get(`INSERT INTO runs (fleet_id, spec_version, status, key_count, shard_count, created_at, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`)
    .get(
      fleetId,
      run.specVersion,
      empty ? 'done' : 'running',
      run.keyCount,
      run.shards.length,
      now,
      empty ? now : null,
    ) as {
    id: number;
  };
  const insert =
    ctx.sql.get(`INSERT INTO shards (run_id, shard, keys, key_from, key_to, key_count, status, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`);
  run.shards.forEach((plan, index) => {
    if ('keys' in plan) {
      plan.keys.forEach(checkKey);
      insert.run(id, index, JSON.stringify(plan.keys), null, null, plan.keys.length, now);
    } else {
      checkKey(plan.keyFrom);
      checkKey(plan.keyTo);
      if (!Number.isSafeInteger(plan.keyCount) || plan.keyCount < 0)
        throw paramError('store', `shards[${index}].keyCount`, plan.keyCount, 'a non-negative integer');
      insert.run(id, index, null, plan.keyFrom, plan.keyTo, plan.keyCount, now);
    }
  });
  return getRunRow(ctx, id)!;
}

export function getRunRow(ctx: SqliteContext, runId: number): Run | undefined {
  const row = ctx.sql
    .get(`SELECT ${RUN_COLUMNS} FROM runs r JOIN fleets f ON f.id = r.fleet_id WHERE r.id = ?`)
    .get(runId) as RunRow | undefined;
  return row === undefined ? undefined : toRun(row);
}

export function listRunRows(ctx: SqliteContext, fleet: string, page: PageQuery): Page<Run> {
  const fleetId = ctx.fleetId(fleet);
  const limit = checkPageSize(page.limit);
  const before = page.cursor ? decodeNumericCursor('runs', page.cursor) : Number.MAX_SAFE_INTEGER;
  const rows = ctx.sql
    .get(`SELECT ${RUN_COLUMNS} FROM runs r JOIN fleets f ON f.id = r.fleet_id
      WHERE r.fleet_id = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?`)
    .all(fleetId, before, limit + 1) as RunRow[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return { items: rows.map(toRun), nextCursor: more ? encodeCursor('runs', rows[rows.length - 1].id) : null };
}

export function listShardRows(ctx: SqliteContext, runId: number, status?: ShardStatus): Shard[] {
  const rows = (
    status === undefined
      ? ctx.sql.get('SELECT * FROM shards WHERE run_id = ? ORDER BY shard').all(runId)
      : ctx.sql.get('SELECT * FROM shards WHERE run_id = ? AND status = ? ORDER BY shard').all(runId, status)
  ) as ShardRow[];
  return rows.map(toShard);
}

export function getShardRow(ctx: SqliteContext, runId: number, shard: number): Shard | undefined {
  const row = ctx.sql.get('SELECT * FROM shards WHERE run_id = ? AND shard = ?').get(runId, shard) as
    | ShardRow
    | undefined;
  return row === undefined ? undefined : toShard(row);
}

interface ShardState {
  status: ShardStatus;
  run_status: Run['status'];
  fleet_id: number;
}

function shardState(ctx: SqliteContext, runId: number, shard: number): ShardState {
  const state = ctx.sql
    .get(`SELECT s.status, r.status AS run_status, r.fleet_id FROM shards s JOIN runs r ON r.id = s.run_id
      WHERE s.run_id = ? AND s.shard = ?`)
    .get(runId, shard) as ShardState | undefined;
  if (state === undefined)
    throw new AimassError('NOT_FOUND', `run ${runId} has no shard ${shard}`, { runId, shard });
  return state;
}

export function markShardRunningRow(ctx: SqliteContext, runId: number, shard: number): boolean {
  const state = shardState(ctx, runId, shard);
  if (state.status === 'done') return false;
  ctx.sql
    .get(
      `UPDATE shards SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE run_id = ? AND shard = ?`,
    )
    .run(Date.now(), runId, shard);
  return true;
}

/** Caller holds the transaction: models, failure events and the done mark commit together. */
export function markShardDoneRows(
  ctx: SqliteContext,
  runId: number,
  shard: number,
  models: readonly NewModel[],
  failures: readonly KeyFailure[],
  events: readonly NewEvent[] = [],
): ShardDoneResult {
  const state = shardState(ctx, runId, shard);
  if (state.status === 'done') return { inserted: 0, alreadyDone: true };
  if (state.run_status === 'cancelled')
    throw new AimassError('CANCELLED', `run ${runId} was cancelled; shard ${shard} not committed`, {
      runId,
      shard,
    });
  insertModelRows(ctx, state.fleet_id, models, runId, shard);
  const now = Date.now();
  const all: NewEvent[] = [
    ...failures.map((failure) => ({
      kind: 'train_failed',
      key: failure.key,
      reason: failure.reason,
      numbers: { shard },
    })),
    ...events,
  ];
  if (all.length > 0) {
    const insert = ctx.sql.get(`INSERT INTO events (fleet_id, kind, key, run_id, reason, numbers, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    for (const event of all) {
      if (typeof event.kind !== 'string' || event.kind.length === 0)
        throw new AimassError('PARAM_INVALID', 'store: event kind must be a non-empty string', {
          field: 'kind',
        });
      const key = event.key === undefined || event.key === null ? null : checkKey(event.key);
      insert.run(
        state.fleet_id,
        event.kind,
        key,
        runId,
        String(event.reason),
        JSON.stringify(event.numbers ?? {}),
        now,
      );
    }
  }
  ctx.sql
    .get(`UPDATE shards SET status = 'done', model_count = ?, failure_count = ?, error = NULL, updated_at = ?
      WHERE run_id = ? AND shard = ?`)
    .run(models.length, failures.length, now, runId, shard);
  const open = ctx.sql
    .get(`SELECT count(*) AS n FROM shards WHERE run_id = ? AND status != 'done'`)
    .get(runId) as {
    n: number;
  };
  if (open.n === 0)
    ctx.sql
      .get(`UPDATE runs SET status = 'done', finished_at = ? WHERE id = ? AND status = 'running'`)
      .run(now, runId);
  return { inserted: models.length, alreadyDone: false };
}

export function markShardFailedRow(ctx: SqliteContext, runId: number, shard: number, error: string): void {
  const state = shardState(ctx, runId, shard);
  if (state.status === 'done') return;
  ctx.sql
    .get(`UPDATE shards SET status = 'failed', error = ?, updated_at = ? WHERE run_id = ? AND shard = ?`)
    .run(String(error), Date.now(), runId, shard);
}

export function runProgressRow(ctx: SqliteContext, runId: number): RunProgress | undefined {
  const run = getRunRow(ctx, runId);
  if (run === undefined) return undefined;
  const totals = ctx.sql
    .get(`SELECT
        coalesce(sum(CASE WHEN status = 'done' THEN key_count END), 0) AS keys_done,
        count(CASE WHEN status = 'done' THEN 1 END) AS done,
        count(CASE WHEN status = 'running' THEN 1 END) AS running,
        count(CASE WHEN status = 'failed' THEN 1 END) AS failed,
        coalesce(sum(model_count), 0) AS models,
        coalesce(sum(failure_count), 0) AS key_failures
      FROM shards WHERE run_id = ?`)
    .get(runId) as {
    keys_done: number;
    done: number;
    running: number;
    failed: number;
    models: number;
    key_failures: number;
  };
  const elapsedMs = Math.max(0, (run.finishedAt ?? Date.now()) - run.createdAt);
  return {
    runId,
    status: run.status,
    keysTotal: run.keyCount,
    keysDone: totals.keys_done,
    shardsTotal: run.shardCount,
    shardsDone: totals.done,
    shardsRunning: totals.running,
    shardsFailed: totals.failed,
    modelsWritten: totals.models,
    keyFailures: totals.key_failures,
    elapsedMs,
    // Clock granularity is 1 ms: count at least 1 ms so a fast run reports a finite rate.
    modelsPerSecond: totals.models === 0 ? 0 : totals.models / (Math.max(1, elapsedMs) / 1000),
  };
}

/** Ends a running run as cancelled or failed; a run that already ended keeps its status. */
export function endRunRow(
  ctx: SqliteContext,
  runId: number,
  status: 'cancelled' | 'failed',
  reason: string,
): void {
  const run = getRunRow(ctx, runId);
  if (run === undefined) throw new AimassError('NOT_FOUND', `no run ${runId}`, { runId });
  ctx.sql
    .get(`UPDATE runs SET status = ?, error = ?, finished_at = ? WHERE id = ? AND status = 'running'`)
    .run(status, String(reason), Date.now(), runId);
}
