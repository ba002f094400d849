import type postgres from 'postgres';
import { AimassError } from '../../core/errors.ts';

/** One versioned step of the PostgreSQL store schema (component `store`). */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The PostgreSQL mirror of src/store/sqlite/store-schema.ts, migration for migration (same
 * versions, same meaning). Append new ones; never edit released ones. bytea for chunks and
 * bundles; bigint identity ids (cursors and references, never reused); times are epoch ms.
 */
export const PG_STORE_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE fleets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  spec_version integer,
  created_at bigint NOT NULL
);
CREATE TABLE specs (
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  version integer NOT NULL,
  spec text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (fleet_id, version)
);
CREATE TABLE entities (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  key text COLLATE "C" NOT NULL,
  row_count bigint NOT NULL DEFAULT 0,
  chunk_count integer NOT NULL DEFAULT 0,
  min_time double precision,
  max_time double precision,
  last_version integer NOT NULL DEFAULT 0,
  promotions integer NOT NULL DEFAULT 0,
  UNIQUE (fleet_id, key)
);
CREATE TABLE chunks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity_id bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  seq integer NOT NULL,
  row_count integer NOT NULL,
  min_time double precision,
  max_time double precision,
  created_at bigint NOT NULL,
  data bytea NOT NULL,
  UNIQUE (entity_id, seq)
);
CREATE TABLE runs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  spec_version integer NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  key_count integer NOT NULL,
  shard_count integer NOT NULL,
  created_at bigint NOT NULL,
  finished_at bigint,
  error text
);
CREATE INDEX runs_fleet ON runs (fleet_id, id);
CREATE TABLE shards (
  run_id bigint NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  shard integer NOT NULL,
  keys text,
  key_from text,
  key_to text,
  key_count integer NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  model_count integer NOT NULL DEFAULT 0,
  failure_count integer NOT NULL DEFAULT 0,
  error text,
  updated_at bigint NOT NULL,
  PRIMARY KEY (run_id, shard)
);
CREATE TABLE models (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity_id bigint NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  version integer NOT NULL,
  status text NOT NULL CHECK (status IN ('candidate', 'champion', 'archived')),
  algorithm text NOT NULL,
  params text NOT NULL,
  metrics text NOT NULL,
  train_start double precision,
  train_end double precision,
  row_count bigint NOT NULL,
  data_hash text NOT NULL,
  spec_version integer NOT NULL,
  fallback_reason text,
  run_id bigint REFERENCES runs(id) ON DELETE SET NULL,
  shard integer,
  created_at bigint NOT NULL,
  promoted_at bigint,
  champion_seq integer,
  bundle bytea NOT NULL,
  UNIQUE (entity_id, version)
);
-- At most one champion per (fleet, key), enforced by the database; also the serving lookup.
CREATE UNIQUE INDEX models_one_champion ON models (entity_id) WHERE status = 'champion';
CREATE INDEX models_fleet ON models (fleet_id, id);
CREATE INDEX models_run ON models (run_id) WHERE run_id IS NOT NULL;
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  kind text NOT NULL,
  key text,
  run_id bigint,
  reason text NOT NULL,
  numbers text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX events_fleet ON events (fleet_id, id);
CREATE TABLE quarantine (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  source text NOT NULL,
  line integer,
  column_name text,
  key text,
  reason text NOT NULL,
  raw text,
  created_at bigint NOT NULL
);
CREATE INDEX quarantine_fleet ON quarantine (fleet_id, id);
`,
  },
  {
    version: 2,
    name: 'ingest: dedupe ids, source cursors, data columns',
    sql: `
CREATE TABLE ingest_ids (
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  source text NOT NULL,
  id text NOT NULL,
  receipt text,
  created_at bigint NOT NULL,
  PRIMARY KEY (fleet_id, source, id)
);
CREATE INDEX ingest_ids_age ON ingest_ids (fleet_id, source, created_at);
CREATE TABLE ingest_cursors (
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  source text NOT NULL,
  value text NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (fleet_id, source)
);
CREATE TABLE data_columns (
  fleet_id bigint NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  name text NOT NULL,
  type text NOT NULL CHECK (type IN ('number', 'category', 'time', 'boolean')),
  created_at bigint NOT NULL,
  PRIMARY KEY (fleet_id, name)
);
`,
  },
  {
    version: 3,
    name: 'trial results of model versions',
    sql: `
CREATE TABLE model_trials (
  model_id bigint PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
  trials text NOT NULL
);
`,
  },
];

/** Key of the session advisory lock held while migrating: two processes starting together queue. */
const MIGRATION_LOCK = 0x61696d61; // 'aima'

/**
 * Applies pending migrations, each in its own transaction, under an advisory lock so concurrent
 * starters never race; refuses a database newer than `migrations`. Returns the schema version.
 */
export async function migratePg(
  sql: postgres.Sql,
  component: string,
  migrations: readonly PgMigration[],
): Promise<number> {
  return sql.begin(async (tx) => {
    // A transaction-level lock: released at commit even if this process dies mid-way.
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      component text NOT NULL, version integer NOT NULL, name text NOT NULL, applied_at bigint NOT NULL,
      PRIMARY KEY (component, version))`;
    const [{ current }] = await tx<{ current: number | null }[]>`
      SELECT max(version) AS current FROM schema_migrations WHERE component = ${component}`;
    const latest = migrations.at(-1)?.version ?? 0;
    const at = current ?? 0;
    if (at > latest)
      throw new AimassError(
        'STORE_ERROR',
        `the database has ${component} schema version ${at}, newer than this aimass supports (${latest}); upgrade aimass`,
      );
    for (const migration of migrations) {
      if (migration.version <= at) continue;
      await tx.unsafe(migration.sql);
      await tx`INSERT INTO schema_migrations VALUES (${component}, ${migration.version}, ${migration.name}, ${Date.now()})`;
    }
    return latest;
  }) as Promise<number>;
}
