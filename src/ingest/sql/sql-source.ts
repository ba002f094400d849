import postgres from 'postgres';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { type FleetSpec, type TimeUnitChoice, validateFleetSpec } from '../../fleet/spec.ts';
import type { Store } from '../../store/store.ts';
import { readBatchBytes } from '../batch-formats.ts';
import { ingestBatch } from '../ingest-batch.ts';

export interface SqlSourceOptions {
  /** `postgres://…`; default env `AIMASS_SQL_URL` (never put a password in a committed spec). */
  readonly url?: string;
  readonly fleet: string;
  /** A table (or view) name … */
  readonly table?: string;
  /** … or a query whose rows are pulled (wrapped as a subquery). */
  readonly query?: string;
  /** Column ordering the rows; each pull takes rows with a cursor above the last committed one. */
  readonly cursorColumn: string;
  /** Rows per pull (default 5000); a pull may exceed it by the rows tied on its last cursor value. */
  readonly batchRows?: number;
  /** Schedule mode: seconds between pulls (default 10). */
  readonly everySeconds?: number;
  readonly timeUnit?: TimeUnitChoice;
  readonly log?: (line: string) => void;
}

export interface SqlSourceStats {
  pulls: number;
  rowsRead: number;
  rowsStored: number;
  rowsRejected: number;
  commits: number;
  errors: number;
  /** The committed cursor (text form of the cursor column), or null before the first commit. */
  cursor: string | null;
}

/** Text of the cursor column selected next to the row (exact: no JS Date/float rounding). */
const CURSOR_ALIAS = '__aimass_cursor';
/** PG numeric (1700) and int8 (20) come back as strings: they are numbers to the fleet. */
const NUMERIC_AS_TEXT = new Set([20, 1700]);

/**
 * PostgreSQL → one fleet, incremental by a cursor column, through the one ingest door.
 * Boundary rule: a pull takes `cursor > last ORDER BY cursor LIMIT n` and then also every row
 * whose cursor equals the pull's last value, so a value's ties are never split across pulls
 * (no tiebreak column is needed; the cost is a pull larger than n when many rows tie).
 * The new cursor is committed in the same transaction as the rows (IngestCommit.cursor), so a crash
 * between or during pulls neither loses nor duplicates rows. Rows appended later with a cursor at or
 * below the committed one are not seen: the cursor column must grow with inserts.
 */
export class SqlSource {
  readonly stats: SqlSourceStats = {
    pulls: 0,
    rowsRead: 0,
    rowsStored: 0,
    rowsRejected: 0,
    commits: 0,
    errors: 0,
    cursor: null,
  };
  private readonly sql: postgres.Sql;
  private readonly from: string;
  private readonly sourceName: string;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly options: SqlSourceOptions,
  ) {
    const url = options.url ?? process.env.AIMASS_SQL_URL;
    if (!url)
      throw new AimassError(
        'PARAM_INVALID',
        'SQL source: no connection URL (pass --url or set AIMASS_SQL_URL)',
        { field: 'url' },
      );
    if ((options.table === undefined) === (options.query === undefined))
      throw new AimassError('PARAM_INVALID', 'SQL source: give exactly one of table or query', {
        field: 'table',
      });
    this.from = options.table !== undefined ? quoteName(options.table) : `(${options.query}) AS aimass_q`;
    this.sourceName = `sql:${options.table ?? 'query'}:${options.cursorColumn}`;
    this.sql = postgres(url, { max: 1, onnotice: () => {} });
  }

  /** Pulls until caught up (once mode). Resolves with the rows read. */
  async pullUntilCaughtUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pullOnce();
      total += n;
      if (n === 0 || this.stopped) return total;
    }
  }

  /** One pull and one commit; returns the rows read (0 when caught up). */
  async pullOnce(): Promise<number> {
    const spec = await this.spec();
    const last = await this.store.getCursor(spec.name, this.sourceName);
    const cursor = quoteName(this.options.cursorColumn);
    const limit = this.options.batchRows ?? 5000;
    const select = `SELECT q.*, (q.${cursor})::text AS ${CURSOR_ALIAS} FROM ${this.from} q`;
    this.stats.pulls++;
    const first =
      last === undefined
        ? await this.sql.unsafe(`${select} WHERE q.${cursor} IS NOT NULL ORDER BY q.${cursor} LIMIT ${limit}`)
        : await this.sql.unsafe(`${select} WHERE q.${cursor} > $1 ORDER BY q.${cursor} LIMIT ${limit}`, [
            last,
          ]);
    if (first.length === 0) return 0;
    const rows: Record<string, unknown>[] = [...first];
    const boundary = String(rows[rows.length - 1]?.[CURSOR_ALIAS]);
    if (first.length >= limit) {
      // The rest of the boundary value's ties, so the next pull may start strictly above it.
      const ties = await this.sql.unsafe(`${select} WHERE q.${cursor} = $1`, [boundary]);
      const have = first.filter((r) => String(r[CURSOR_ALIAS]) === boundary).length;
      rows.push(...ties.slice(have));
    }
    const lines = rows.map((r) => JSON.stringify(toJsonRow(r, first.columns)));
    const outcome = await ingestBatch(
      this.store,
      spec.name,
      spec,
      (schema) => readBatchBytes(Buffer.from(lines.join('\n')), 'ndjson', this.sourceName, schema),
      {
        source: this.sourceName,
        timeUnit: this.options.timeUnit,
        cursor: { source: this.sourceName, value: boundary },
      },
    );
    if (outcome.stored) {
      this.stats.commits++;
      this.stats.rowsStored += outcome.report.rowsAccepted;
      this.stats.rowsRejected += outcome.report.rowsRejected;
    }
    this.stats.rowsRead += rows.length;
    this.stats.cursor = boundary;
    return rows.length;
  }

  /** Schedule mode: pulls until caught up now and every `everySeconds` until stop(). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.spec();
    const tick = (): void => {
      this.running = this.pullUntilCaughtUp()
        .then(() => undefined)
        .catch((error: Error) => {
          this.stats.errors++;
          this.options.log?.(`sql: pull failed: ${error.message}`);
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, (this.options.everySeconds ?? 10) * 1000);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.sql.end({ timeout: 5 });
  }

  private async spec(): Promise<FleetSpec> {
    const stored = await this.store.getSpec(this.options.fleet).catch((error: unknown) => {
      if (isAimassError(error, 'FLEET_NOT_FOUND')) return undefined;
      throw error;
    });
    if (stored === undefined)
      throw new AimassError(
        'FLEET_NOT_FOUND',
        `SQL source: fleet "${this.options.fleet}" does not exist or has no spec`,
        {
          fleet: this.options.fleet,
        },
      );
    return validateFleetSpec(stored.spec);
  }
}

/** A PG row as a JSON object: timestamps as ISO text (the ingest time rule reads them), numerics as numbers. */
function toJsonRow(
  row: Record<string, unknown>,
  columns: readonly { name: string; type: number }[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    if (c.name === CURSOR_ALIAS) continue;
    const v = row[c.name];
    if (v instanceof Date) out[c.name] = Number.isNaN(v.getTime()) ? String(v) : v.toISOString();
    else if (typeof v === 'string' && NUMERIC_AS_TEXT.has(c.type)) out[c.name] = v === 'NaN' ? v : Number(v);
    else if (typeof v === 'bigint') out[c.name] = Number(v);
    else out[c.name] = v;
  }
  return out;
}

/** `schema.table` → `"schema"."table"`. */
function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}
