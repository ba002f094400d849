import type { Migration } from '../sqlite/connection.ts';

/** Job states, as small integers so the visible-jobs index stays compact. */
export const READY = 0;
export const LEASED = 1;
export const DONE = 2;
export const DEAD = 3;

/**
 * Schema history of the local queue (component `queue`), in the same file as the store.
 * `visible_at` is when a job may be handed out: for ready jobs the (possibly delayed) start, for
 * leased jobs the lease expiry, so one index finds new work and expired leases alike. Done jobs
 * keep their row (payload dropped) so a late duplicate enqueue is still recognised.
 */
export const QUEUE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs table',
    sql: `
CREATE TABLE queue_jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  topic TEXT NOT NULL,
  id TEXT NOT NULL,
  state INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  error TEXT,
  payload BLOB,
  UNIQUE (topic, id)
);
CREATE INDEX queue_jobs_visible ON queue_jobs (topic, visible_at, seq) WHERE state < 2;
CREATE INDEX queue_jobs_dead ON queue_jobs (topic, seq) WHERE state = 3;
`,
  },
];
