import { AimassError } from '../../core/errors.ts';
import { checkPageSize, decodeNumericCursor, encodeCursor } from '../../core/page.ts';
import { nullableNumber } from '../../sqlite/connection.ts';
import type { ModelInfo, ModelQuery, ModelRecord, NewModel, Page, TrialResult } from '../types.ts';
import { checkKey, checkMetricFilter, checkNewModel, checkStatus } from '../validate.ts';
import type { SqliteContext } from './context.ts';

const INFO_COLUMNS = `m.id, e.key, m.version, m.status, m.algorithm, m.params, m.metrics, m.train_start, m.train_end,
  m.row_count, m.data_hash, m.spec_version, m.fallback_reason, m.run_id, m.shard, length(m.bundle) AS bundle_bytes,
  m.created_at, m.promoted_at`;

interface ModelRow {
  id: number;
  key: string;
  version: number;
  status: ModelInfo['status'];
  algorithm: string;
  params: string;
  metrics: string;
  train_start: number | null;
  train_end: number | null;
  row_count: number;
  data_hash: string;
  spec_version: number;
  fallback_reason: string | null;
  run_id: number | null;
  shard: number | null;
  bundle_bytes: number;
  created_at: number;
  promoted_at: number | null;
  bundle?: Uint8Array;
}

function toInfo(fleet: string, row: ModelRow): ModelInfo {
  return {
    fleet,
    key: row.key,
    version: row.version,
    status: row.status,
    algorithm: row.algorithm,
    params: JSON.parse(row.params),
    metrics: JSON.parse(row.metrics),
    trainStart: row.train_start,
    trainEnd: row.train_end,
    rowCount: row.row_count,
    dataHash: row.data_hash,
    specVersion: row.spec_version,
    fallbackReason: row.fallback_reason,
    runId: row.run_id,
    shard: row.shard,
    bundleBytes: row.bundle_bytes,
    createdAt: row.created_at,
    promotedAt: row.promoted_at,
  };
}

// Adds the bundle to the info object (a cheap shape transition) instead of copying it with a spread:
// this runs on the serving hot path.
function toRecord(fleet: string, row: ModelRow): ModelRecord {
  const record = toInfo(fleet, row) as { -readonly [K in keyof ModelRecord]?: ModelRecord[K] };
  record.bundle = row.bundle as Uint8Array;
  return record as ModelRecord;
}

/**
 * Inserts versions (caller holds the transaction). The entity upsert bumps its version counter
 * (and its promotion counter for champions) and returns both in one statement.
 */
export function insertModelRows(
  ctx: SqliteContext,
  fleetId: number,
  models: readonly NewModel[],
  runId: number | null,
  shard: number | null,
): number[] {
  for (const model of models) checkNewModel(model);
  const upsert =
    ctx.sql.get(`INSERT INTO entities (fleet_id, key, last_version, promotions) VALUES (?, ?, 1, ?)
    ON CONFLICT (fleet_id, key) DO UPDATE SET last_version = last_version + 1, promotions = promotions + excluded.promotions
    RETURNING id, last_version, promotions`);
  const archive = ctx.sql.get(
    `UPDATE models SET status = 'archived' WHERE entity_id = ? AND status = 'champion'`,
  );
  const insert =
    ctx.sql.get(`INSERT INTO models (entity_id, fleet_id, version, status, algorithm, params, metrics,
    train_start, train_end, row_count, data_hash, spec_version, fallback_reason, run_id, shard, created_at,
    promoted_at, champion_seq, bundle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertTrials = ctx.sql.get('INSERT INTO model_trials (model_id, trials) VALUES (?, ?)');
  const now = Date.now();
  const versions: number[] = new Array(models.length);
  for (let i = 0; i < models.length; i++) {
    const model = models[i];
    const champion = model.status === 'champion';
    const entity = upsert.get(fleetId, model.key, champion ? 1 : 0) as {
      id: number;
      last_version: number;
      promotions: number;
    };
    // A key's first version has no previous champion to archive (the common case of a first run).
    if (champion && entity.last_version > 1) archive.run(entity.id);
    const inserted = insert.run(
      entity.id,
      fleetId,
      entity.last_version,
      champion ? 'champion' : 'candidate',
      model.algorithm,
      JSON.stringify(model.params),
      JSON.stringify(model.metrics),
      nullableNumber(model.trainStart),
      nullableNumber(model.trainEnd),
      model.rowCount,
      model.dataHash,
      model.specVersion,
      model.fallbackReason,
      runId,
      shard,
      now,
      champion ? now : null,
      champion ? entity.promotions : null,
      model.bundle,
    );
    if (model.trials !== undefined && model.trials.length > 0)
      insertTrials.run(inserted.lastInsertRowid, JSON.stringify(model.trials.map(storedTrial)));
    versions[i] = entity.last_version;
  }
  return versions;
}

/** JSON has no NaN: a failed trial's score is stored as null. */
function storedTrial(trial: TrialResult): TrialResult {
  const score = trial.score !== null && Number.isFinite(trial.score) ? trial.score : null;
  return trial.error === undefined
    ? { algorithm: trial.algorithm, params: trial.params, score, millis: trial.millis }
    : { algorithm: trial.algorithm, params: trial.params, score, error: trial.error, millis: trial.millis };
}

export function modelTrialRows(
  ctx: SqliteContext,
  fleet: string,
  key: string,
  version: number,
): TrialResult[] | undefined {
  checkKey(key);
  const row = ctx.sql
    .get(`SELECT m.id, t.trials FROM fleets f
      JOIN entities e ON e.fleet_id = f.id AND e.key = ?
      JOIN models m ON m.entity_id = e.id AND m.version = ?
      LEFT JOIN model_trials t ON t.model_id = m.id
      WHERE f.name = ?`)
    .get(key, version, fleet) as { id: number; trials: string | null } | undefined;
  if (row === undefined) return undefined;
  return row.trials === null ? [] : (JSON.parse(row.trials) as TrialResult[]);
}

export function getChampionRow(ctx: SqliteContext, fleet: string, key: string): ModelRecord | undefined {
  // Three unique-index probes: fleet name, (fleet, key), and the partial champion index.
  const row = ctx.sql
    .get(`SELECT ${INFO_COLUMNS}, m.bundle FROM fleets f
      JOIN entities e ON e.fleet_id = f.id AND e.key = ?
      JOIN models m ON m.entity_id = e.id AND m.status = 'champion'
      WHERE f.name = ?`)
    .get(key, fleet) as ModelRow | undefined;
  return row === undefined ? undefined : toRecord(fleet, row);
}

export function getModelRow(
  ctx: SqliteContext,
  fleet: string,
  key: string,
  version: number,
): ModelRecord | undefined {
  const row = ctx.sql
    .get(`SELECT ${INFO_COLUMNS}, m.bundle FROM fleets f
      JOIN entities e ON e.fleet_id = f.id AND e.key = ?
      JOIN models m ON m.entity_id = e.id AND m.version = ?
      WHERE f.name = ?`)
    .get(key, version, fleet) as ModelRow | undefined;
  return row === undefined ? undefined : toRecord(fleet, row);
}

function entityId(ctx: SqliteContext, fleet: string, key: string): number | undefined {
  const fleetId = ctx.fleetId(fleet);
  const row = ctx.sql.get('SELECT id FROM entities WHERE fleet_id = ? AND key = ?').get(fleetId, key) as
    | { id: number }
    | undefined;
  return row?.id;
}

function notFound(fleet: string, key: string, message: string): AimassError {
  return new AimassError('MODEL_NOT_FOUND', `${fleet}/${key}: ${message}`, { fleet, key });
}

/** Promotes within the caller's transaction; returns the previous champion's version (0 if none), or -1 if no-op. */
export function promoteRow(ctx: SqliteContext, fleet: string, key: string, version: number): number {
  checkKey(key);
  const entity = entityId(ctx, fleet, key);
  if (entity === undefined) throw notFound(fleet, key, 'no models');
  const target = ctx.sql
    .get('SELECT id, status FROM models WHERE entity_id = ? AND version = ?')
    .get(entity, version) as { id: number; status: string } | undefined;
  if (target === undefined) throw notFound(fleet, key, `no version ${version}`);
  if (target.status === 'champion') return -1;
  const previous = ctx.sql
    .get(`SELECT version FROM models WHERE entity_id = ? AND status = 'champion'`)
    .get(entity) as { version: number } | undefined;
  ctx.sql
    .get(`UPDATE models SET status = 'archived' WHERE entity_id = ? AND status = 'champion'`)
    .run(entity);
  const seq = ctx.sql
    .get('UPDATE entities SET promotions = promotions + 1 WHERE id = ? RETURNING promotions')
    .get(entity) as {
    promotions: number;
  };
  ctx.sql
    .get(`UPDATE models SET status = 'champion', promoted_at = ?, champion_seq = ? WHERE id = ?`)
    .run(Date.now(), seq.promotions, target.id);
  return previous?.version ?? 0;
}

/** Rolls back within the caller's transaction; returns [restored version, rolled-back version]. */
export function rollbackRow(ctx: SqliteContext, fleet: string, key: string): [number, number] {
  checkKey(key);
  const entity = entityId(ctx, fleet, key);
  if (entity === undefined) throw notFound(fleet, key, 'no models');
  const current = ctx.sql
    .get(`SELECT id, version FROM models WHERE entity_id = ? AND status = 'champion'`)
    .get(entity) as { id: number; version: number } | undefined;
  if (current === undefined) throw notFound(fleet, key, 'no champion to roll back');
  const previous = ctx.sql
    .get(`SELECT id, version FROM models WHERE entity_id = ? AND status = 'archived' AND champion_seq IS NOT NULL
      ORDER BY champion_seq DESC LIMIT 1`)
    .get(entity) as { id: number; version: number } | undefined;
  if (previous === undefined) throw notFound(fleet, key, 'no previous champion to restore');
  // The rolled-back version leaves the promotion stack, so a second rollback goes one further back.
  ctx.sql
    .get(`UPDATE models SET status = 'archived', promoted_at = NULL, champion_seq = NULL WHERE id = ?`)
    .run(current.id);
  const seq = ctx.sql
    .get('UPDATE entities SET promotions = promotions + 1 WHERE id = ? RETURNING promotions')
    .get(entity) as {
    promotions: number;
  };
  ctx.sql
    .get(`UPDATE models SET status = 'champion', promoted_at = ?, champion_seq = ? WHERE id = ?`)
    .run(Date.now(), seq.promotions, previous.id);
  return [previous.version, current.version];
}

const METRIC_SQL = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '=': '=', '!=': '!=' } as const;

export function listModelRows(ctx: SqliteContext, fleet: string, query: ModelQuery): Page<ModelInfo> {
  const fleetId = ctx.fleetId(fleet);
  const limit = checkPageSize(query.limit);
  const where = ['m.fleet_id = ?'];
  const args: unknown[] = [fleetId];
  if (query.cursor) {
    where.push('m.id < ?');
    args.push(decodeNumericCursor('models', query.cursor));
  }
  if (query.status !== undefined) {
    where.push('m.status = ?');
    args.push(checkStatus(query.status));
  }
  if (query.algorithm !== undefined) {
    where.push('m.algorithm = ?');
    args.push(query.algorithm);
  }
  if (query.fallback !== undefined)
    where.push(query.fallback ? 'm.fallback_reason IS NOT NULL' : 'm.fallback_reason IS NULL');
  if (query.key !== undefined) {
    where.push('e.key = ?');
    args.push(checkKey(query.key));
  }
  if (query.metric !== undefined) {
    checkMetricFilter(query.metric);
    // The name was validated to [A-Za-z0-9_.-], and is quoted so dots stay part of the name.
    where.push(`json_extract(m.metrics, ?) ${METRIC_SQL[query.metric.op]} ?`);
    args.push(`$."${query.metric.name}"`, query.metric.value);
  }
  args.push(limit + 1);
  const rows = ctx.sql
    .get(`SELECT ${INFO_COLUMNS} FROM models m JOIN entities e ON e.id = m.entity_id
      WHERE ${where.join(' AND ')} ORDER BY m.id DESC LIMIT ?`)
    .all(...args) as ModelRow[];
  const more = rows.length > limit;
  if (more) rows.length = limit;
  return {
    items: rows.map((row) => toInfo(fleet, row)),
    nextCursor: more ? encodeCursor('models', rows[rows.length - 1].id) : null,
  };
}

export function historyRows(ctx: SqliteContext, fleet: string, key: string): ModelInfo[] {
  checkKey(key);
  const entity = entityId(ctx, fleet, key);
  if (entity === undefined) return [];
  const rows = ctx.sql
    .get(`SELECT ${INFO_COLUMNS} FROM models m JOIN entities e ON e.id = m.entity_id
      WHERE m.entity_id = ? ORDER BY m.version DESC`)
    .all(entity) as ModelRow[];
  return rows.map((row) => toInfo(fleet, row));
}

export function pruneRows(ctx: SqliteContext, fleet: string, keepLast: number): number {
  const fleetId = ctx.fleetId(fleet);
  const result = ctx.sql
    .get(`DELETE FROM models WHERE id IN (
      SELECT id FROM (
        SELECT id, status, row_number() OVER (PARTITION BY entity_id ORDER BY version DESC) AS rank
        FROM models WHERE fleet_id = ?
      ) WHERE rank > ? AND status != 'champion')`)
    .run(fleetId, keepLast);
  return result.changes;
}
