import { join } from 'node:path';
import { AimassError } from '../../core/errors.ts';
import type { Frame } from '../../data/frame.ts';
import { decodeChunks, readChunkHeader } from '../chunk-codec.ts';
import type { Store } from '../store.ts';
import type {
  EventQuery,
  Fleet,
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
} from '../types.ts';
import {
  checkFleetName,
  checkKey,
  checkPageSize,
  checkPositiveInteger,
  decodeCursor,
  decodeNumericCursor,
  encodeCursor,
} from '../validate.ts';
import {
  migrate,
  nullableNumber,
  openSqlite,
  type SqliteDatabase,
  type SqliteOptions,
  StatementCache,
  storeError,
} from './connection.ts';
import {
  getChampionRow,
  getModelRow,
  historyRows,
  insertModelRows,
  listModelRows,
  promoteRow,
  pruneRows,
  rollbackRow,
  type SqliteContext,
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
    this.write('appendMany', (ctx) => {
      const fleetId = ctx.fleetId(fleet);
      // min(coalesce(a, b), coalesce(b, a)) ignores a NULL side, which plain min() would not.
      const upsert =
        ctx.sql.get(`INSERT INTO entities (fleet_id, key, row_count, chunk_count, min_time, max_time)
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
    });
  }

  async readChunks(fleet: string, key: string): Promise<Uint8Array[]> {
    checkKey(key);
    return this.read('readChunks', (ctx) => {
      const fleetId = ctx.fleetId(fleet);
      const rows = ctx.sql
        .get(
          'SELECT c.data FROM entities e JOIN chunks c ON c.entity_id = e.id WHERE e.fleet_id = ? AND e.key = ? ORDER BY c.seq',
        )
        .all(fleetId, key) as { data: Uint8Array }[];
      return rows.map((row) => row.data);
    });
  }

  async readRows(fleet: string, key: string): Promise<Frame> {
    return decodeChunks(await this.readChunks(fleet, key));
  }

  async listKeys(fleet: string, page: PageQuery = {}): Promise<Page<KeyInfo>> {
    const limit = checkPageSize(page.limit);
    const after = page.cursor ? decodeCursor('keys', page.cursor) : '';
    return this.read('listKeys', (ctx) => {
      const fleetId = ctx.fleetId(fleet);
      const rows = ctx.sql
        .get(`SELECT key, row_count, chunk_count, min_time, max_time FROM entities
          WHERE fleet_id = ? AND key > ? ORDER BY key LIMIT ?`)
        .all(fleetId, after, limit + 1) as {
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
    });
  }

  async rowCount(fleet: string, key: string): Promise<number> {
    checkKey(key);
    return this.read('rowCount', (ctx) => {
      const row = ctx.sql
        .get('SELECT row_count FROM entities WHERE fleet_id = ? AND key = ?')
        .get(ctx.fleetId(fleet), key) as { row_count: number } | undefined;
      return row?.row_count ?? 0;
    });
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
        this.insertEvent(ctx, fleet, { kind: 'promote', key, reason, numbers: { version, previous } });
    });
  }

  async rollback(fleet: string, key: string, reason = 'rolled back'): Promise<number> {
    return this.write('rollback', (ctx) => {
      const [version, previous] = rollbackRow(ctx, fleet, key);
      this.insertEvent(ctx, fleet, { kind: 'rollback', key, reason, numbers: { version, previous } });
      return version;
    });
  }

  async listModels(fleet: string, query: ModelQuery = {}): Promise<Page<ModelInfo>> {
    return this.read('listModels', (ctx) => listModelRows(ctx, fleet, query));
  }

  async history(fleet: string, key: string): Promise<ModelInfo[]> {
    return this.read('history', (ctx) => historyRows(ctx, fleet, key));
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
  ): Promise<ShardDoneResult> {
    return this.write('markShardDone', (ctx) => markShardDoneRows(ctx, runId, shard, models, failures));
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

  private insertEvent(ctx: SqliteContext, fleet: string, event: NewEvent): number {
    if (typeof event.kind !== 'string' || event.kind.length === 0)
      throw new AimassError('PARAM_INVALID', 'store: event kind must be a non-empty string', {
        field: 'kind',
      });
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

  async appendEvent(fleet: string, event: NewEvent): Promise<number> {
    return this.write('appendEvent', (ctx) => this.insertEvent(ctx, fleet, event));
  }

  async listEvents(fleet: string, query: EventQuery = {}): Promise<Page<StoredEvent>> {
    const limit = checkPageSize(query.limit);
    return this.read('listEvents', (ctx) => {
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
        .get(
          `SELECT id, kind, key, run_id, reason, numbers, created_at FROM events WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
        )
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
    });
  }

  async addQuarantine(fleet: string, rows: readonly NewQuarantineRow[]): Promise<void> {
    this.write('addQuarantine', (ctx) => {
      const fleetId = ctx.fleetId(fleet);
      const insert =
        ctx.sql.get(`INSERT INTO quarantine (fleet_id, source, line, column_name, key, reason, raw, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      const now = Date.now();
      for (const row of rows)
        insert.run(fleetId, row.source, row.line, row.column, row.key, row.reason, row.raw, now);
    });
  }

  async listQuarantine(fleet: string, page: PageQuery = {}): Promise<Page<QuarantineRow>> {
    const limit = checkPageSize(page.limit);
    return this.read('listQuarantine', (ctx) => {
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
    });
  }
}

/** Opens (and migrates) a SQLite store, ready to use. */
export async function openSqliteStore(options: SqliteOptions): Promise<SqliteStore> {
  const store = new SqliteStore(options);
  await store.ready();
  return store;
}
