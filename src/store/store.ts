import type { Frame } from '../data/frame.ts';
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
} from './types.ts';

/**
 * The storage contract every backend (SQLite, PostgreSQL) implements and the conformance suite
 * checks. Conventions: `get…` returns `undefined` when the thing does not exist; writes on a
 * missing fleet throw `FLEET_NOT_FOUND`, on a missing model/run/shard `NOT_FOUND`/`MODEL_NOT_FOUND`;
 * bad arguments throw `PARAM_INVALID`; backend failures `STORE_ERROR`. Every multi-row write is
 * one transaction: it happens entirely or not at all.
 */
export interface Store {
  /** Opens the backend and applies pending migrations. Idempotent. */
  ready(): Promise<void>;
  /** Releases the backend. Safe to call twice; runs every cleanup even if one fails. */
  close(): Promise<void>;

  // Fleets and specs
  /** Creates a fleet; `CONFLICT` if the name exists. */
  createFleet(name: string): Promise<Fleet>;
  getFleet(name: string): Promise<Fleet | undefined>;
  /** All fleets, by name. */
  listFleets(): Promise<Fleet[]>;
  /** Deletes the fleet and everything in it. Returns `false` if it did not exist. */
  deleteFleet(name: string): Promise<boolean>;
  /** Appends a spec version (JSON-safe value) and makes it current. Returns the version. */
  putSpec(fleet: string, spec: unknown): Promise<number>;
  /** The given version, or the current one when omitted. */
  getSpec(fleet: string, version?: number): Promise<SpecVersion | undefined>;

  // Entity data (columnar chunks from `encodeChunk`)
  /** Appends one chunk to a key. */
  appendRows(fleet: string, key: string, chunk: Uint8Array): Promise<void>;
  /** Appends chunks of many keys in one transaction. */
  appendMany(fleet: string, chunks: readonly KeyChunk[]): Promise<void>;
  /** The key's chunks in append order, still encoded. */
  readChunks(fleet: string, key: string): Promise<Uint8Array[]>;
  /** The key's rows: every chunk decoded and concatenated in append order (empty frame if none). */
  readRows(fleet: string, key: string): Promise<Frame>;
  /** Keys in string order. */
  listKeys(fleet: string, page?: PageQuery): Promise<Page<KeyInfo>>;
  /** Rows stored for the key; 0 for an unknown key. */
  rowCount(fleet: string, key: string): Promise<number>;

  // Ingest (the one door of every source: src/ingest/)
  /**
   * Commits one ingest batch: chunks, quarantine rows, dedupe ids, the source cursor and new column
   * types in ONE transaction. A batch with an already stored dedupe id writes nothing and returns
   * the duplicates. A column type that differs from the registered one throws DATA_INVALID
   * (retryable: read the batch again with `dataColumns`).
   */
  commitIngest(fleet: string, commit: IngestCommit): Promise<IngestOutcome>;
  /** The ids among `ids` already stored for `source`, with their receipts (null when none was kept). */
  ingestReceipts(fleet: string, source: string, ids: readonly string[]): Promise<Map<string, unknown>>;
  /** A source's stored position (see `IngestCommit.cursor`), or `undefined`. */
  getCursor(fleet: string, source: string): Promise<string | undefined>;
  /** The fleet's registered data columns, by name. */
  dataColumns(fleet: string): Promise<DataColumn[]>;

  // Model versions
  /** Inserts one version; returns it without the bundle. */
  insertModel(fleet: string, model: NewModel): Promise<ModelInfo>;
  /** Inserts many versions in one transaction; returns their versions in input order. */
  insertModels(fleet: string, models: readonly NewModel[]): Promise<number[]>;
  /** The serving hot path: the key's champion with its bundle, or `undefined`. */
  getChampion(fleet: string, key: string): Promise<ModelRecord | undefined>;
  /** One version with its bundle. */
  getModel(fleet: string, key: string, version: number): Promise<ModelRecord | undefined>;
  /**
   * Makes `version` the champion; the previous champion becomes archived. Atomic; records a
   * `promote` event with `reason`. Promoting the current champion is a no-op.
   */
  promote(fleet: string, key: string, version: number, reason?: string): Promise<void>;
  /**
   * Archives the champion and restores the one that was champion before it (records a `rollback`
   * event). Returns the restored version; `MODEL_NOT_FOUND` if there is none to restore.
   */
  rollback(fleet: string, key: string, reason?: string): Promise<number>;
  /** Versions of the fleet, newest first. */
  listModels(fleet: string, query?: ModelQuery): Promise<Page<ModelInfo>>;
  /** All versions of one key, newest first. */
  history(fleet: string, key: string): Promise<ModelInfo[]>;
  /**
   * The trials stored with one version (`NewModel.trials`), in their order; `[]` when none were
   * stored, `undefined` when the version does not exist.
   */
  modelTrials(fleet: string, key: string, version: number): Promise<TrialResult[] | undefined>;
  /** Deletes all but the newest `keepLast` versions per key; never a champion. Returns deleted count. */
  pruneVersions(fleet: string, options: PruneOptions): Promise<number>;

  // Runs and shards
  /** Creates a run and its shard rows (all `pending`) in one transaction. */
  createRun(fleet: string, run: NewRun): Promise<Run>;
  getRun(runId: number): Promise<Run | undefined>;
  /** Runs of the fleet, newest first. */
  listRuns(fleet: string, page?: PageQuery): Promise<Page<Run>>;
  /** Shards of a run by index, optionally only those with `status`. */
  listShards(runId: number, status?: ShardStatus): Promise<Shard[]>;
  getShard(runId: number, shard: number): Promise<Shard | undefined>;
  /** A worker starts the shard: `running`, attempts + 1. No-op (returns false) if already done. */
  markShardRunning(runId: number, shard: number): Promise<boolean>;
  /**
   * Inserts the shard's models (run id and shard recorded on each), records `failures` as
   * `train_failed` events and `events` (the shard's decisions, with this run's id) — all in ONE
   * transaction with the done mark. A shard already done writes nothing (`alreadyDone`); a
   * cancelled run throws `CANCELLED` and writes nothing.
   */
  markShardDone(
    runId: number,
    shard: number,
    models: readonly NewModel[],
    failures?: readonly KeyFailure[],
    events?: readonly NewEvent[],
  ): Promise<ShardDoneResult>;
  /** The whole shard failed this attempt (it may be retried). No-op if already done. */
  markShardFailed(runId: number, shard: number, error: string): Promise<void>;
  runProgress(runId: number): Promise<RunProgress | undefined>;
  /** Marks a running run cancelled (later `markShardDone` calls are refused). */
  cancelRun(runId: number, reason?: string): Promise<void>;
  /**
   * Marks a running run failed (e.g. a shard exhausted its attempts). Shards that still finish
   * are committed (their models are valid); the run stays failed.
   */
  failRun(runId: number, reason: string): Promise<void>;

  // Events and quarantine
  appendEvent(fleet: string, event: NewEvent): Promise<number>;
  /** Events newest first. */
  listEvents(fleet: string, query?: EventQuery): Promise<Page<StoredEvent>>;
  /** Records rejected ingest rows in one transaction. */
  addQuarantine(fleet: string, rows: readonly NewQuarantineRow[]): Promise<void>;
  /** Quarantined rows newest first. */
  listQuarantine(fleet: string, page?: PageQuery): Promise<Page<QuarantineRow>>;
}
