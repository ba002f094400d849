import type { Migration } from '../../sqlite/connection.ts';

/**
 * The store's schema history (component `store`). Append new migrations; never edit released
 * ones. Design notes: fleets and entities get integer ids so model and chunk rows stay small;
 * blobs sit in the last column so metadata reads do not touch overflow pages; AUTOINCREMENT where
 * an id is part of a cursor or a reference (never reused after deletes).
 */
export const STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE fleets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  spec_version INTEGER,
  created_at INTEGER NOT NULL
);

CREATE TABLE specs (
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  spec TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (fleet_id, version)
);

-- One row per (fleet, key): data summary, and the counters that number versions and promotions
-- (kept here so numbers are never reused after pruning).
CREATE TABLE entities (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  row_count INTEGER NOT NULL DEFAULT 0,
  chunk_count INTEGER NOT NULL DEFAULT 0,
  min_time REAL,
  max_time REAL,
  last_version INTEGER NOT NULL DEFAULT 0,
  promotions INTEGER NOT NULL DEFAULT 0,
  UNIQUE (fleet_id, key)
);

CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  row_count INTEGER NOT NULL,
  min_time REAL,
  max_time REAL,
  created_at INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (entity_id, seq)
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  spec_version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
  key_count INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  finished_at INTEGER,
  error TEXT
);
CREATE INDEX runs_fleet ON runs (fleet_id, id);

CREATE TABLE shards (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  shard INTEGER NOT NULL,
  keys TEXT,
  key_from TEXT,
  key_to TEXT,
  key_count INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  model_count INTEGER NOT NULL DEFAULT 0,
  failure_count INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, shard)
);

CREATE TABLE models (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('candidate', 'champion', 'archived')),
  algorithm TEXT NOT NULL,
  params TEXT NOT NULL,
  metrics TEXT NOT NULL,
  train_start REAL,
  train_end REAL,
  row_count INTEGER NOT NULL,
  data_hash TEXT NOT NULL,
  spec_version INTEGER NOT NULL,
  fallback_reason TEXT,
  run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
  shard INTEGER,
  created_at INTEGER NOT NULL,
  promoted_at INTEGER,
  -- order of promotions within the entity; NULL when never champion or rolled back (rollback's stack)
  champion_seq INTEGER,
  bundle BLOB NOT NULL,
  UNIQUE (entity_id, version)
);
-- At most one champion per (fleet, key), enforced by the database; also the serving lookup.
CREATE UNIQUE INDEX models_one_champion ON models (entity_id) WHERE status = 'champion';
CREATE INDEX models_fleet ON models (fleet_id, id);
CREATE INDEX models_run ON models (run_id) WHERE run_id IS NOT NULL;

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  key TEXT,
  run_id INTEGER,
  reason TEXT NOT NULL,
  numbers TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX events_fleet ON events (fleet_id, id);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  line INTEGER,
  column_name TEXT,
  key TEXT,
  reason TEXT NOT NULL,
  raw TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX quarantine_fleet ON quarantine (fleet_id, id);
`,
  },
  {
    version: 2,
    name: 'ingest: dedupe ids, source cursors, data columns',
    sql: `
-- Ids of committed ingest batches / messages (HTTP Idempotency-Key, MQTT message ids, file parts).
CREATE TABLE ingest_ids (
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  receipt TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (fleet_id, source, id)
) WITHOUT ROWID;
CREATE INDEX ingest_ids_age ON ingest_ids (fleet_id, source, created_at);

-- Where a pulling or tailing source stopped, committed with the rows it read.
CREATE TABLE ingest_cursors (
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (fleet_id, source)
) WITHOUT ROWID;

-- The type of every data column, so every later batch is read the same way.
CREATE TABLE data_columns (
  fleet_id INTEGER NOT NULL REFERENCES fleets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('number', 'category', 'time', 'boolean')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (fleet_id, name)
) WITHOUT ROWID;
`,
  },
  {
    version: 3,
    name: 'trial results of model versions',
    sql: `
-- The trials behind a version's choice (JSON list), apart from the models table so listings and
-- the serving lookup never read them; deleted with their version.
CREATE TABLE model_trials (
  model_id INTEGER PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
  trials TEXT NOT NULL
);
`,
  },
];
