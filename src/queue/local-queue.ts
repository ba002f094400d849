import { EventEmitter } from 'node:events';
import { AimassError, paramError } from '../core/errors.ts';
import type { Page, PageQuery } from '../core/page.ts';
import { checkPageSize, decodeNumericCursor, encodeCursor } from '../core/page.ts';
import {
  migrate,
  openSqlite,
  type SqliteDatabase,
  type SqliteOptions,
  StatementCache,
  storeError,
} from '../sqlite/connection.ts';
import { startConsumer } from './consumer.ts';
import type {
  ConsumeOptions,
  Consumer,
  DeadJob,
  Delivery,
  EnqueueResult,
  JobHandler,
  NackOptions,
  NackResult,
  NewJob,
  Queue,
  QueueCounts,
} from './queue.ts';
import { DEAD, DONE, LEASED, QUEUE_MIGRATIONS, READY } from './queue-schema.ts';

export interface LocalQueueOptions extends SqliteOptions {
  /** How long a delivery is leased before it is handed out again; default 30000. */
  readonly leaseMs?: number;
  /** Deliveries before a job is dead-lettered; default 5. */
  readonly maxAttempts?: number;
}

const TOPIC = /^[A-Za-z0-9_.:-]{1,128}$/;

function checkTopic(topic: unknown): string {
  if (typeof topic !== 'string' || !TOPIC.test(topic))
    throw paramError('queue', 'topic', topic, '1-128 characters of A-Z a-z 0-9 _ . : -');
  return topic;
}

/** Receipt = job row + attempt number: a redelivery bumps the attempt, so old receipts go stale. */
function parseReceipt(receipt: string): [seq: number, attempt: number] {
  const match = /^(\d+)\.(\d+)$/.exec(receipt);
  if (match === null) throw paramError('queue', 'receipt', receipt, 'a receipt from reserve()');
  return [Number(match[1]), Number(match[2])];
}

interface JobRow {
  seq: number;
  id: string;
  state: number;
  attempts: number;
  max_attempts: number;
  payload: Uint8Array;
}

/**
 * Durable jobs in a table of the store's SQLite file (its own connection). Every operation is one
 * IMMEDIATE transaction, so two processes on the same file never hand out the same lease.
 */
export class LocalQueue implements Queue {
  private db: SqliteDatabase | null = null;
  private sql: StatementCache | null = null;
  private closed = false;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly consumers = new Set<Consumer>();
  /** Wakes this process's idle consumers when this process enqueues. */
  private readonly wake = new EventEmitter();
  private transaction: (<T>(fn: () => T) => T) | null = null;

  constructor(private readonly options: LocalQueueOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    if (!(this.leaseMs > 0)) throw paramError('queue', 'leaseMs', this.leaseMs, 'a positive number');
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw paramError('queue', 'maxAttempts', this.maxAttempts, 'a positive integer');
    this.wake.setMaxListeners(0);
  }

  async ready(): Promise<void> {
    if (this.closed) throw new AimassError('QUEUE_ERROR', 'queue is closed');
    if (this.db !== null) return;
    const db = openSqlite(this.options);
    try {
      migrate(db, 'queue', QUEUE_MIGRATIONS, this.options.path);
    } catch (error) {
      db.close();
      throw storeError(error, `cannot migrate queue in ${this.options.path}`);
    }
    const wrapper = db.transaction((fn: () => unknown) => fn());
    this.transaction = <T>(fn: () => T) => wrapper.immediate(fn) as T;
    this.db = db;
    this.sql = new StatementCache(db);
  }

  async close(): Promise<void> {
    this.closed = true;
    const errors: unknown[] = [];
    for (const consumer of [...this.consumers]) {
      try {
        await consumer.stop();
      } catch (error) {
        errors.push(error);
      }
    }
    this.consumers.clear();
    const db = this.db;
    this.db = null;
    this.sql = null;
    try {
      db?.close();
    } catch (error) {
      errors.push(error);
    }
    if (errors.length > 0)
      throw new AimassError(
        'QUEUE_ERROR',
        'closing the queue failed',
        {},
        { cause: new AggregateError(errors) },
      );
  }

  private write<T>(what: string, fn: (sql: StatementCache) => T): T {
    const sql = this.statements();
    try {
      return this.transaction!(() => fn(sql));
    } catch (error) {
      const wrapped = storeError(error, `queue ${what}`);
      throw wrapped.code === 'STORE_ERROR'
        ? new AimassError('QUEUE_ERROR', wrapped.message, wrapped.context, {
            retryable: wrapped.retryable,
            cause: error,
          })
        : wrapped;
    }
  }

  private statements(): StatementCache {
    if (this.sql === null)
      throw new AimassError(
        'QUEUE_ERROR',
        this.closed ? 'queue is closed' : 'queue not ready: call ready() first',
      );
    return this.sql;
  }

  async enqueue(topic: string, jobs: readonly NewJob[]): Promise<EnqueueResult> {
    checkTopic(topic);
    for (const job of jobs) {
      if (typeof job.id !== 'string' || job.id.length === 0 || job.id.length > 512)
        throw paramError('queue', 'id', job.id, 'a non-empty string of at most 512 characters');
      if (!(job.payload instanceof Uint8Array))
        throw paramError('queue', 'payload', job.payload, 'a Uint8Array');
    }
    const added = this.write('enqueue', (sql) => {
      const insert =
        sql.get(`INSERT INTO queue_jobs (topic, id, state, max_attempts, visible_at, enqueued_at, updated_at, payload)
        VALUES (?, ?, ${READY}, ?, ?, ?, ?, ?) ON CONFLICT (topic, id) DO NOTHING`);
      const now = Date.now();
      let count = 0;
      for (const job of jobs)
        count += insert.run(topic, job.id, this.maxAttempts, now, now, now, job.payload).changes;
      return count;
    });
    if (added > 0) this.wake.emit(topic);
    return { added, duplicates: jobs.length - added };
  }

  async reserve(topic: string, max: number): Promise<Delivery[]> {
    checkTopic(topic);
    if (!Number.isInteger(max) || max < 1) throw paramError('queue', 'max', max, 'a positive integer');
    return this.write('reserve', (sql) => {
      const now = Date.now();
      const candidates = sql.get(`SELECT seq, id, state, attempts, max_attempts, payload FROM queue_jobs
        WHERE topic = ? AND state < ${DONE} AND visible_at <= ? ORDER BY visible_at, seq LIMIT ?`);
      const lease =
        sql.get(`UPDATE queue_jobs SET state = ${LEASED}, attempts = attempts + 1, visible_at = ?, updated_at = ?
        WHERE seq = ?`);
      const bury = sql.get(`UPDATE queue_jobs SET state = ${DEAD}, error = ?, updated_at = ? WHERE seq = ?`);
      const out: Delivery[] = [];
      // Expired leases at their last attempt are buried, not handed out; fetch again to fill `max`.
      while (out.length < max) {
        const rows = candidates.all(topic, now, max - out.length) as JobRow[];
        if (rows.length === 0) break;
        for (const row of rows) {
          if (row.attempts >= row.max_attempts) {
            bury.run(
              `lease expired on attempt ${row.attempts} of ${row.max_attempts} (consumer died or stalled)`,
              now,
              row.seq,
            );
            continue;
          }
          lease.run(now + this.leaseMs, now, row.seq);
          const attempt = row.attempts + 1;
          out.push({ topic, id: row.id, payload: row.payload, attempt, receipt: `${row.seq}.${attempt}` });
        }
      }
      return out;
    });
  }

  async ack(receipt: string): Promise<boolean> {
    const [seq, attempt] = parseReceipt(receipt);
    return this.write('ack', (sql) => {
      // Acked even if the lease ran out, as long as nobody else got the job since.
      const result = sql
        .get(`UPDATE queue_jobs SET state = ${DONE}, payload = NULL, error = NULL, updated_at = ?
          WHERE seq = ? AND attempts = ? AND state = ${LEASED}`)
        .run(Date.now(), seq, attempt);
      return result.changes === 1;
    });
  }

  async nack(receipt: string, options: NackOptions): Promise<NackResult> {
    const [seq, attempt] = parseReceipt(receipt);
    const delayMs = options.delayMs ?? 0;
    if (!(delayMs >= 0)) throw paramError('queue', 'delayMs', delayMs, 'a non-negative number');
    return this.write('nack', (sql) => {
      const row = sql
        .get(
          `SELECT attempts, max_attempts FROM queue_jobs WHERE seq = ? AND attempts = ? AND state = ${LEASED}`,
        )
        .get(seq, attempt) as { attempts: number; max_attempts: number } | undefined;
      if (row === undefined) return 'stale';
      const now = Date.now();
      const error = String(options.error);
      if (options.retry && row.attempts < row.max_attempts) {
        sql
          .get(
            `UPDATE queue_jobs SET state = ${READY}, visible_at = ?, error = ?, updated_at = ? WHERE seq = ?`,
          )
          .run(now + delayMs, error, now, seq);
        return 'retried';
      }
      sql
        .get(`UPDATE queue_jobs SET state = ${DEAD}, error = ?, updated_at = ? WHERE seq = ?`)
        .run(error, now, seq);
      return 'dead';
    });
  }

  async heartbeat(receipt: string): Promise<boolean> {
    const [seq, attempt] = parseReceipt(receipt);
    return this.write('heartbeat', (sql) => {
      const now = Date.now();
      return (
        sql
          .get(
            `UPDATE queue_jobs SET visible_at = ?, updated_at = ? WHERE seq = ? AND attempts = ? AND state = ${LEASED}`,
          )
          .run(now + this.leaseMs, now, seq, attempt).changes === 1
      );
    });
  }

  consume(topic: string, handler: JobHandler, options: ConsumeOptions = {}): Consumer {
    checkTopic(topic);
    this.statements();
    const waitForWork = (name: string, ms: number) =>
      new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.wake.off(name, done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        this.wake.on(name, done);
      });
    const inner = startConsumer(this, topic, handler, this.leaseMs, options, waitForWork);
    const consumer: Consumer = {
      stop: async () => {
        this.consumers.delete(consumer);
        this.wake.emit(topic); // end an idle wait now
        await inner.stop();
      },
    };
    this.consumers.add(consumer);
    return consumer;
  }

  async deadLetters(topic: string, page: PageQuery = {}): Promise<Page<DeadJob>> {
    checkTopic(topic);
    const limit = checkPageSize(page.limit);
    const before = page.cursor ? decodeNumericCursor('dead', page.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = this.statements()
      .get(`SELECT seq, id, attempts, error, updated_at, payload FROM queue_jobs
        WHERE topic = ? AND state = ${DEAD} AND seq < ? ORDER BY seq DESC LIMIT ?`)
      .all(topic, before, limit + 1) as {
      seq: number;
      id: string;
      attempts: number;
      error: string;
      updated_at: number;
      payload: Uint8Array;
    }[];
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return {
      items: rows.map((r) => ({
        topic,
        id: r.id,
        payload: r.payload,
        attempts: r.attempts,
        error: r.error,
        failedAt: r.updated_at,
      })),
      nextCursor: more ? encodeCursor('dead', rows[rows.length - 1].seq) : null,
    };
  }

  /**
   * Deletes completed jobs finished more than `olderThanMs` ago (local backend only: their rows
   * exist to recognise late duplicates, which JetStream does with its duplicate window).
   */
  async purgeCompleted(olderThanMs: number): Promise<number> {
    if (!(olderThanMs >= 0)) throw paramError('queue', 'olderThanMs', olderThanMs, 'a non-negative number');
    return this.write(
      'purgeCompleted',
      (sql) =>
        sql
          .get(`DELETE FROM queue_jobs WHERE state = ${DONE} AND updated_at < ?`)
          .run(Date.now() - olderThanMs).changes,
    );
  }

  async counts(topic: string): Promise<QueueCounts> {
    checkTopic(topic);
    const row = this.statements()
      .get(`SELECT count(CASE WHEN state = ${READY} THEN 1 END) AS ready, count(CASE WHEN state = ${LEASED} THEN 1 END) AS leased,
        count(CASE WHEN state = ${DEAD} THEN 1 END) AS dead FROM queue_jobs WHERE topic = ?`)
      .get(topic) as QueueCounts;
    return { ready: row.ready, leased: row.leased, dead: row.dead };
  }
}

/** Opens (and migrates) a local queue, ready to use. */
export async function openLocalQueue(options: LocalQueueOptions): Promise<LocalQueue> {
  const queue = new LocalQueue(options);
  await queue.ready();
  return queue;
}
