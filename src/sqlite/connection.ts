import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AimassError, isAimassError } from '../core/errors.ts';

/** Options of a SQLite connection; shared by the store and the local queue (same file). */
export interface SqliteOptions {
  /** Database file path; parent folders are created. */
  readonly path: string;
  /**
   * `FULL` (default) or `NORMAL`. In WAL mode both survive a process crash (kill -9) at any
   * moment. `FULL` syncs the WAL on every commit, so a commit that returned also survives power
   * loss / an OS crash. `NORMAL` syncs only at checkpoints: faster commits, but the last commits
   * may vanish on power loss. We default to FULL because "accepted data is durable before it is
   * acknowledged" and our writes are batched (one sync per shard or batch, not per row).
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /** How long a writer waits for another connection's write lock before SQLITE_BUSY; default 5000. */
  readonly busyTimeoutMs?: number;
}

export type SqliteDatabase = Database.Database;
export type SqliteStatement = Database.Statement;

/** One SQL script of a component's ordered schema history. Never edit a released one: append. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Opens (creating if needed) a WAL database with foreign keys on. One connection per thread:
 * better-sqlite3 connections must not be shared across worker threads; each opens its own.
 */
export function openSqlite(options: SqliteOptions): SqliteDatabase {
  const synchronous = options.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
    throw new AimassError('PARAM_INVALID', `sqlite: synchronous must be FULL or NORMAL, got ${synchronous}`, {
      field: 'synchronous',
      value: synchronous,
    });
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
      return configure(new Database(options.path, { timeout: busyTimeoutMs }), synchronous, busyTimeoutMs);
    } catch (error) {
      // Opening right after another process died mid-write (WAL recovery) or while another
      // opener switches the journal mode can fail with SQLITE_BUSY without SQLite calling the
      // busy handler, so the wait the busy timeout promises is done here.
      if (isBusy(error) && Date.now() < deadline) {
        sleepSync(Math.min(200, 5 * 2 ** attempt));
        continue;
      }
      throw storeError(error, `cannot open SQLite database ${options.path}`, { file: options.path });
    }
  }
}

function configure(db: SqliteDatabase, synchronous: string, busyTimeoutMs: number): SqliteDatabase {
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread: opening is synchronous (better-sqlite3), so the retry wait is too. */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Applies `component`'s pending migrations, each in its own IMMEDIATE transaction so two processes
 * opening the same file never both migrate. A file migrated by a newer aimass fails clearly.
 */
export function migrate(
  db: SqliteDatabase,
  component: string,
  migrations: readonly Migration[],
  file: string,
): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    component TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (component, version)
  )`);
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  const current = db.prepare(
    'SELECT coalesce(max(version), 0) AS v FROM schema_migrations WHERE component = ?',
  );
  const record = db.prepare(
    'INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)',
  );
  const step = db.transaction((migration: Migration) => {
    const version = (current.get(component) as { v: number }).v;
    if (version >= migration.version) return; // another process got here first
    db.exec(migration.sql);
    record.run(component, migration.version, migration.name, Date.now());
  });
  const found = (current.get(component) as { v: number }).v;
  if (found > known)
    throw new AimassError(
      'STORE_ERROR',
      `${file}: ${component} schema version ${found} is newer than this aimass supports (${known}); ` +
        'upgrade aimass or point it at another data directory',
      { file, value: found, expected: `<= ${known}` },
    );
  for (const migration of migrations) if (migration.version > found) step.immediate(migration);
}

/** The component's applied schema version (0 when none). */
export function schemaVersion(db: SqliteDatabase, component: string): number {
  return (
    db
      .prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations WHERE component = ?')
      .get(component) as {
      v: number;
    }
  ).v;
}

/** Wraps a driver error as STORE_ERROR; lock contention is marked retryable. */
export function storeError(
  error: unknown,
  message: string,
  context: Record<string, unknown> = {},
): AimassError {
  if (isAimassError(error)) return error;
  const code = (error as { code?: unknown })?.code;
  const retryable = isBusy(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new AimassError(
    'STORE_ERROR',
    `${message}: ${detail}`,
    { ...context, sqliteCode: code },
    { retryable, cause: error },
  );
}

/** Prepared statements by SQL text: each is compiled once per connection. */
export class StatementCache {
  private readonly statements = new Map<string, SqliteStatement>();
  constructor(private readonly db: SqliteDatabase) {}
  get(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** NaN and ±Infinity become NULL (SQLite has no NaN); other numbers pass. */
export function nullableNumber(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}
