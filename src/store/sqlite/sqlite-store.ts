import { join } from 'node:path';
import { AimassError } from '../../core/errors.ts';
import type { Frame } from '../../data/frame.ts';
import {
  migrate,
  openSqlite,
  type SqliteDatabase,
  type SqliteOptions,
  StatementCache,
  storeError,
} from '../../sqlite/connection.ts';
import { decodeChunks, readChunkHeader } from '../chunk-codec.ts';
import type { Store } from '../store.ts';
import type {
  DataColumn,
  EventQuery,
  Fleet,
  IngestCommit,
  IngestOutcome,
  KeyChunk,
  KeyFailure,
  KeyInfo,
  ModelInfo,
  ModelQuery,
  ModelRecord,
  NewEvent,
  NewModel,
  NewQuarantineRow,
  NewRun,
  Page,
  PageQuery,
  PruneOptions,
  QuarantineRow,
  Run,
  RunProgress,
  Shard,
  ShardDoneResult,
  ShardStatus,
  SpecVersion,
  StoredEvent,
  TrialResult,
} from '../types.ts';
import { checkFleetName, checkKey, checkPositiveInteger } from '../validate.ts';
import type { SqliteContext } from './context.ts';
import { appendChunkRows, listKeyRows, readChunkRows, rowCountRow } from './sqlite-data.ts';
import { addQuarantineRows, insertEventRow, listEventRows, listQuarantineRows } from './sqlite-events.ts';
import {
  checkIngestCommit,
  commitIngestRows,
  cursorRow,
  dataColumnRows,
  pruneIdRows,
  receiptRows,
} from './sqlite-ingest.ts';
import {
  getChampionRow,
  getModelRow,
  historyRows,
  insertModelRows,
  listModelRows,
  modelTrialRows,
  promoteRow,
  pruneRows,
  rollbackRow,
} from './sqlite-models.ts';
import {
  createRunRows,
  endRunRow,
  getRunRow,
  getShardRow,
  listRunRows,
  listShardRows,
  markShardDoneRows,
  markShardFailedRow,
  markShardRunningRow,
  runProgressRow,
} from './sqlite-runs.ts';
import { STORE_MIGRATIONS } from './store-schema.ts';

/** Dedupe ids are pruned once per this many commits of a source. */
const PRUNE_EVERY = 200;

/** The file name of the store (and local queue) inside the data directory. */
export const SQLITE_FILE_NAME = 'aimass.db';

export function sqlitePathIn(dataDir: string): string {
  return join(dataDir, SQLITE_FILE_NAME);
}

interface FleetRow {
  name: string;
  spec_version: number | null;
  created_at: number;
}

const toFleet = (row: FleetRow): Fleet => ({
  name: row.name,
  specVersion: row.spec_version,
  createdAt: row.created_at,
});

/**
 * The SQLite backend. better-sqlite3 is synchronous: each method does its work inside one call
 * (writes in one IMMEDIATE transaction) and returns a settled promise, so calls never interleave
 * inside a transaction. Use one instance per thread.
 */
export class SqliteStore implements Store {
  private db: SqliteDatabase | null = null;
  private context: SqliteContext | null = null;
  /** One transaction wrapper for every write: better-sqlite3 builds wrappers at some cost. */
  private transaction: ((fn: (ctx: SqliteContext) => unknown, ctx: SqliteContext) => unknown) & {
    immediate: (fn: (ctx: SqliteContext) => unknown, ctx: SqliteContext) => unknown;
  } = null!;
  private closed = false;
  /** Committed batches per dedupe source since its ids were last pruned. */
  private readonly commitsSincePrune = new Map<string, number>();

  constructor(private readonly options: SqliteOptions) {}

  async ready(): Promise<void> {
    if (this.closed) throw new AimassError('STORE_ERROR', 'store is closed');
    if (this.db !== null) return;
    const db = openSqlite(this.options);
    try {
      migrate(db, 'store', STORE_MIGRATIONS, this.options.path);
    } catch (error) {
      db.close();
      throw storeError(error, `cannot migrate ${this.options.path}`, { file: this.options.path });
    }
    const sql = new StatementCache(db);
    const fleetIdStatement = sql.get('SELECT id FROM fleets WHERE name = ?');
    this.db = db;
    this.transaction = db.transaction((fn: (ctx: SqliteContext) => unknown, ctx: SqliteContext) => fn(ctx));
    this.context = {
      db,
      sql,
      fleetId(name: string): number {
        const row = fleetIdStatement.get(checkFleetName(name)) as { id: number } | undefined;
        if (row === undefined)
          throw new AimassError('FLEET_NOT_FOUND', `no fleet "${name}"`, { fleet: name });
        return row.id;
      },
    };
  }

  async close(): Promise<void> {
    const db = this.db;
    this.closed = true;
    this.db = null;
    this.context = null;
    if (db === null) return;
    const errors: unknown[] = [];
    // PRAGMA optimize refreshes planner statistics cheaply; close must run even if it fails.
    for (const cleanup of [() => db.pragma('optimize'), () => db.close()]) {
      try {
        cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw storeError(new AggregateError(errors), 'closing the store');
  }

  /** The connection context, or a clear error before `ready()` / after `close()`. */
  private ctx(): SqliteContext {
    if (this.context === null)
      throw new AimassError(
        'STORE_ERROR',
        this.closed ? 'store is closed' : 'store not ready: call ready() first',
      );
    return this.context;
  }

  /** Runs `fn` in one IMMEDIATE write transaction (takes the write lock up front: no upgrade deadlocks). */
  private write<T>(what: string, fn: (ctx: SqliteContext) => T): T {
    const ctx = this.ctx();
    try {
      return this.transaction.immediate(fn, ctx) as T;
    } catch (error) {
      throw storeError(error, what);
    }
  }

  private read<T>(what: string, fn: (ctx: SqliteContext) => T): T {
    const ctx = this.ctx();
    try {
      return fn(ctx);
    } catch (error) {
      throw storeError(error, what);
    }
  }

  // ---- fleets and specs

  async createFleet(name: string): Promise<Fleet> {
    checkFleetName(name);
    return this.write('createFleet', (ctx) => {
      const row = ctx.sql
        .get(
          'INSERT INTO fleets (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING RETURNING name, spec_version, created_at',
        )
        .get(name, Date.now()) as FleetRow | undefined;
      if (row === undefined)
        throw new AimassError('CONFLICT', `fleet "${name}" already exists`, { fleet: name });
      return toFleet(row);
    });
  }

  async getFleet(name: string): Promise<Fleet | undefined> {
    checkFleetName(name);
    return this.read('getFleet', (ctx) => {
      const row = ctx.sql.get('SELECT name, spec_version, created_at FROM fleets WHERE name = ?').get(name) as
        | FleetRow
        | undefined;
      return row === undefined ? undefined : toFleet(row);
    });
  }

  async listFleets(): Promise<Fleet[]> {
    return this.read('listFleets', (ctx) =>
      (
        ctx.sql.get('SELECT name, spec_version, created_at FROM fleets ORDER BY name').all() as FleetRow[]
      ).map(toFleet),
    );
  }

  async deleteFleet(name: string): Promise<boolean> {
    checkFleetName(name);
    return this.write(
      'deleteFleet',
      (ctx) => ctx.sql.get('DELETE FROM fleets WHERE name = ?').run(name).changes > 0,
    );
  }

  async putSpec(fleet: string, spec: unknown): Promise<number> {
    const text = JSON.stringify(spec);
    if (text === undefined)
      throw new AimassError('PARAM_INVALID', 'store: spec must be a JSON value', { field: 'spec' });
    return this.write('putSpec', (ctx) => {
      const fleetId = ctx.fleetId(fleet);
      const { version } = ctx.sql
        .get(`INSERT INTO specs (fleet_id, version, spec, created_at)
          SELECT ?, coalesce(max(version), 0) + 1, ?, ? FROM specs WHERE fleet_id = ? RETURNING version`)
        .get(fleetId, text, Date.now(), fleetId) as { version: number };
      ctx.sql.get('UPDATE fleets SET spec_version = ? WHERE id = ?').run(version, fleetId);
      return version;
    });
  }

  async getSpec(fleet: string, version?: number): Promise<SpecVersion | undefined> {
    if (version !== undefined) checkPositiveInteger('version', version);
    return this.read('getSpec', (ctx) => {
      const fleetId = ctx.fleetId(fleet);
      const row = (
        version === undefined
          ? ctx.sql
              .get(
                'SELECT s.version, s.spec, s.created_at FROM specs s JOIN fleets f ON f.id = s.fleet_id AND s.version = f.spec_version WHERE f.id = ?',
              )
              .get(fleetId)
          : ctx.sql
              .get('SELECT version, spec, created_at FROM specs WHERE fleet_id = ? AND version = ?')
              .get(fleetId, version)
      ) as { version: number; spec: string; created_at: number } | undefined;
      return row === undefined
        ? undefined
        : { fleet, version: row.version, spec: JSON.parse(row.spec), createdAt: row.created_at };
    });
  }

  // ---- entity data

  async appendRows(fleet: string, key: string, chunk: Uint8Array): Promise<void> {
    return this.appendMany(fleet, [{ key, chunk }]);
  }

  async appendMany(fleet: string, chunks: readonly KeyChunk[]): Promise<void> {
    // Headers are read (and so validated) before the transaction starts.
    const headers = chunks.map(({ key, chunk }) => {
      checkKey(key);
      return readChunkHeader(chunk);
    });
    this.write('appendMany', (ctx) => appendChunkRows(ctx, fleet, chunks, headers));
  }

  // ---- ingest

  async commitIngest(fleet: string, commit: IngestCommit): Promise<IngestOutcome> {
    checkIngestCommit(commit);
    const headers = commit.chunks.map(({ key, chunk }) => {
      checkKey(key);
      return readChunkHeader(chunk);
    });
    const outcome = this.write('commitIngest', (ctx) => commitIngestRows(ctx, fleet, commit, headers));
    const dedupe = commit.dedupe;
    if (outcome.committed && dedupe !== undefined && dedupe.ids.length > 0) {
      // Ids are forgotten lazily: every PRUNE_EVERY commits of a source, in its own transaction.
      const count = (this.commitsSincePrune.get(dedupe.source) ?? 0) + 1;
      this.commitsSincePrune.set(dedupe.source, count % PRUNE_EVERY);
      if (count >= PRUNE_EVERY)
        this.write('pruneIngestIds', (ctx) => pruneIdRows(ctx, ctx.fleetId(fleet), dedupe));
    }
    return outcome;
  }

  async ingestReceipts(fleet: string, source: string, ids: readonly string[]): Promise<Map<string, unknown>> {
    return this.read('ingestReceipts', (ctx) => receiptRows(ctx, ctx.fleetId(fleet), source, ids));
  }

  async getCursor(fleet: string, source: string): Promise<string | undefined> {
    return this.read('getCursor', (ctx) => cursorRow(ctx, ctx.fleetId(fleet), source));
  }

  async dataColumns(fleet: string): Promise<DataColumn[]> {
    return this.read('dataColumns', (ctx) => dataColumnRows(ctx, ctx.fleetId(fleet)));
  }

  async readChunks(fleet: string, key: string): Promise<Uint8Array[]> {
    checkKey(key);
    return this.read('readChunks', (ctx) => readChunkRows(ctx, fleet, key));
  }

  async readRows(fleet: string, key: string): Promise<Frame> {
    return decodeChunks(await this.readChunks(fleet, key));
  }

  async listKeys(fleet: string, page: PageQuery = {}): Promise<Page<KeyInfo>> {
    return this.read('listKeys', (ctx) => listKeyRows(ctx, fleet, page));
  }

  async rowCount(fleet: string, key: string): Promise<number> {
    checkKey(key);
    return this.read('rowCount', (ctx) => rowCountRow(ctx, fleet, key));
  }

  // ---- models

  async insertModel(fleet: string, model: NewModel): Promise<ModelInfo> {
    const [version] = await this.insertModels(fleet, [model]);
    const { bundle: _bundle, ...info } = (await this.getModel(fleet, model.key, version))!;
    return info;
  }

  async insertModels(fleet: string, models: readonly NewModel[]): Promise<number[]> {
    return this.write('insertModels', (ctx) => insertModelRows(ctx, ctx.fleetId(fleet), models, null, null));
  }

  async getChampion(fleet: string, key: string): Promise<ModelRecord | undefined> {
    return this.read('getChampion', (ctx) => getChampionRow(ctx, fleet, key));
  }

  async getModel(fleet: string, key: string, version: number): Promise<ModelRecord | undefined> {
    return this.read('getModel', (ctx) => getModelRow(ctx, fleet, key, version));
  }

  async promote(fleet: string, key: string, version: number, reason = 'promoted'): Promise<void> {
    this.write('promote', (ctx) => {
      const previous = promoteRow(ctx, fleet, key, version);
      if (previous >= 0)
        insertEventRow(ctx, fleet, { kind: 'promote', key, reason, numbers: { version, previous } });
    });
  }

  async rollback(fleet: string, key: string, reason = 'rolled back'): Promise<number> {
    return this.write('rollback', (ctx) => {
      const [version, previous] = rollbackRow(ctx, fleet, key);
      insertEventRow(ctx, fleet, { kind: 'rollback', key, reason, numbers: { version, previous } });
      return version;
    });
  }

  async listModels(fleet: string, query: ModelQuery = {}): Promise<Page<ModelInfo>> {
    return this.read('listModels', (ctx) => listModelRows(ctx, fleet, query));
  }

  async history(fleet: string, key: string): Promise<ModelInfo[]> {
    return this.read('history', (ctx) => historyRows(ctx, fleet, key));
  }

  async modelTrials(fleet: string, key: string, version: number): Promise<TrialResult[] | undefined> {
    return this.read('modelTrials', (ctx) => modelTrialRows(ctx, fleet, key, version));
  }

  async pruneVersions(fleet: string, options: PruneOptions): Promise<number> {
    checkPositiveInteger('keepLast', options.keepLast);
    return this.write('pruneVersions', (ctx) => pruneRows(ctx, fleet, options.keepLast));
  }

  // ---- runs and shards

  async createRun(fleet: string, run: NewRun): Promise<Run> {
    return this.write('createRun', (ctx) => createRunRows(ctx, fleet, run));
  }

  async getRun(runId: number): Promise<Run | undefined> {
    return this.read('getRun', (ctx) => getRunRow(ctx, runId));
  }

  async listRuns(fleet: string, page: PageQuery = {}): Promise<Page<Run>> {
    return this.read('listRuns', (ctx) => listRunRows(ctx, fleet, page));
  }

  async listShards(runId: number, status?: ShardStatus): Promise<Shard[]> {
    return this.read('listShards', (ctx) => listShardRows(ctx, runId, status));
  }

  async getShard(runId: number, shard: number): Promise<Shard | undefined> {
    return this.read('getShard', (ctx) => getShardRow(ctx, runId, shard));
  }

  async markShardRunning(runId: number, shard: number): Promise<boolean> {
    return this.write('markShardRunning', (ctx) => markShardRunningRow(ctx, runId, shard));
  }

  async markShardDone(
    runId: number,
    shard: number,
    models: readonly NewModel[],
    failures: readonly KeyFailure[] = [],
    events: readonly NewEvent[] = [],
  ): Promise<ShardDoneResult> {
    return this.write('markShardDone', (ctx) =>
      markShardDoneRows(ctx, runId, shard, models, failures, events),
    );
  }

  async markShardFailed(runId: number, shard: number, error: string): Promise<void> {
    this.write('markShardFailed', (ctx) => markShardFailedRow(ctx, runId, shard, error));
  }

  async runProgress(runId: number): Promise<RunProgress | undefined> {
    return this.read('runProgress', (ctx) => runProgressRow(ctx, runId));
  }

  async cancelRun(runId: number, reason = 'cancelled'): Promise<void> {
    this.write('cancelRun', (ctx) => endRunRow(ctx, runId, 'cancelled', reason));
  }

  async failRun(runId: number, reason: string): Promise<void> {
    this.write('failRun', (ctx) => endRunRow(ctx, runId, 'failed', reason));
  }

  // ---- events and quarantine

  async appendEvent(fleet: string, event: NewEvent): Promise<number> {
    return this.write('appendEvent', (ctx) => insertEventRow(ctx, fleet, event));
  }

  async listEvents(fleet: string, query: EventQuery = {}): Promise<Page<StoredEvent>> {
    return this.read('listEvents', (ctx) => listEventRows(ctx, fleet, query));
  }

  async addQuarantine(fleet: string, rows: readonly NewQuarantineRow[]): Promise<void> {
    this.write('addQuarantine', (ctx) => addQuarantineRows(ctx, fleet, rows));
  }

  async listQuarantine(fleet: string, page: PageQuery = {}): Promise<Page<QuarantineRow>> {
    return this.read('listQuarantine', (ctx) => listQuarantineRows(ctx, fleet, page));
  }
}

/** Opens (and migrates) a SQLite store, ready to use. */
export async function openSqliteStore(options: SqliteOptions): Promise<SqliteStore> {
  const store = new SqliteStore(options);
  await store.ready();
  return store;
}
