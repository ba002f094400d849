import type { Page, PageQuery } from '../core/page.ts';

export type { Page, PageQuery };
/**
 * Domain types of the `Store`. Times are epoch milliseconds (UTC). JSON-valued fields are plain
 * JSON-safe values; binary fields (bundles, chunks) are `Uint8Array` (backends may hand back a
 * `Buffer`, which is one). Nothing here names a connection, a statement or a transaction.
 */

/** A named collection of per-entity models sharing one spec. */
export interface Fleet {
  /** Unique name, `[A-Za-z0-9_.-]{1,64}`. */
  readonly name: string;
  /** The newest spec version put with `putSpec`, or `null` before the first one. */
  readonly specVersion: number | null;
  /** When the fleet was created. */
  readonly createdAt: number;
}

/** One immutable version of a fleet's spec. */
export interface SpecVersion {
  /** Fleet name. */
  readonly fleet: string;
  /** 1, 2, 3, … per fleet, in the order the specs were put; never reused. */
  readonly version: number;
  /** The spec as given (parsed JSON). The store does not validate it: train/ does. */
  readonly spec: unknown;
  /** When this version was put. */
  readonly createdAt: number;
}

/** Storage summary of one entity (one key) of a fleet. */
export interface KeyInfo {
  /** The entity key. */
  readonly key: string;
  /** Data rows stored for the key (sum over its chunks). */
  readonly rowCount: number;
  /** Number of stored chunks. */
  readonly chunkCount: number;
  /** Smallest time over the key's chunks, `null` without a time column. */
  readonly minTime: number | null;
  /** Largest time over the key's chunks, `null` without a time column. */
  readonly maxTime: number | null;
}

/** One encoded chunk for one key, for `appendMany`. */
export interface KeyChunk {
  /** The entity key. */
  readonly key: string;
  /** Bytes from `encodeChunk`. */
  readonly chunk: Uint8Array;
}

export type ModelStatus = 'candidate' | 'champion' | 'archived';

/** One configuration tried while choosing a model version (kept with the version, see `modelTrials`). */
export interface TrialResult {
  /** Algorithm name. */
  readonly algorithm: string;
  /** The params tried (JSON-safe). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Validation score by the fleet metric; `null` when the trial failed (or scored NaN). */
  readonly score: number | null;
  /** Why the trial failed (`CODE: message`), when it did. */
  readonly error?: string;
  /** Wall time of the trial, in ms (informative; never a reason for a choice). */
  readonly millis: number;
}

/** A model version to insert. The store assigns `version` and `createdAt`. */
export interface NewModel {
  /** The entity key the model serves. */
  readonly key: string;
  /** The encoded bundle (codec/). Opaque to the store. */
  readonly bundle: Uint8Array;
  /** Algorithm name (e.g. `ridge`), or the fallback's algorithm. */
  readonly algorithm: string;
  /** Fitted params, JSON-safe. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Metric name → value (test / validation scores). Filterable with `listModels`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** First time of the training data, `null` when the data has no time. */
  readonly trainStart: number | null;
  /** Last time of the training data, `null` when the data has no time. */
  readonly trainEnd: number | null;
  /** Training rows. */
  readonly rowCount: number;
  /** Hash of the training data, so a retrain on unchanged data can be skipped. */
  readonly dataHash: string;
  /** The fleet spec version the model was trained under. */
  readonly specVersion: number;
  /** Why a fallback serves this key (e.g. `too_few_rows`); `null` for a model of its own. */
  readonly fallbackReason: string | null;
  /**
   * `candidate` (default) or `champion`. Inserting a champion archives the previous one in the
   * same transaction (no event is recorded: the caller records the decision once per batch).
   */
  readonly status?: 'candidate' | 'champion';
  /** The trials behind this version's choice, in the order they ran. Default none. */
  readonly trials?: readonly TrialResult[];
}

/** A stored model version without its bundle. */
export interface ModelInfo {
  /** Fleet name. */
  readonly fleet: string;
  /** Entity key. */
  readonly key: string;
  /** 1, 2, 3, … per (fleet, key); never reused, even after pruning. */
  readonly version: number;
  /** Lifecycle status; at most one champion per (fleet, key). */
  readonly status: ModelStatus;
  /** Algorithm name. */
  readonly algorithm: string;
  /** Fitted params. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Metric name → value. */
  readonly metrics: Readonly<Record<string, number>>;
  /** First time of the training data, or `null`. */
  readonly trainStart: number | null;
  /** Last time of the training data, or `null`. */
  readonly trainEnd: number | null;
  /** Training rows. */
  readonly rowCount: number;
  /** Hash of the training data. */
  readonly dataHash: string;
  /** Spec version trained under. */
  readonly specVersion: number;
  /** Why a fallback serves this key, or `null`. */
  readonly fallbackReason: string | null;
  /** The run that produced it (via `markShardDone`), or `null`. */
  readonly runId: number | null;
  /** The shard of that run, or `null`. */
  readonly shard: number | null;
  /** Bundle size in bytes. */
  readonly bundleBytes: number;
  /** When inserted. */
  readonly createdAt: number;
  /** When it last became champion, or `null` if never (or rolled back since). */
  readonly promotedAt: number | null;
}

/** A model version with its bundle: what serving needs. */
export interface ModelRecord extends ModelInfo {
  /** The encoded bundle. */
  readonly bundle: Uint8Array;
}

export type MetricOp = '<' | '<=' | '>' | '>=' | '=' | '!=';

/** Filter of `listModels`. Every field is optional; fields combine with AND. */
export interface ModelQuery {
  /** Only this status. */
  readonly status?: ModelStatus;
  /** Only this algorithm. */
  readonly algorithm?: string;
  /** `true`: only fallback models; `false`: only models of their own. */
  readonly fallback?: boolean;
  /** Only this key. */
  readonly key?: string;
  /** Only models whose metric `name` compares true (missing metric → excluded). */
  readonly metric?: { readonly name: string; readonly op: MetricOp; readonly value: number };
  /** Page size, 1…1000; default 100. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | null;
}

/** Which keys a shard covers: an explicit list, or an inclusive key range (string order). */
export type ShardPlan =
  | { readonly keys: readonly string[] }
  | { readonly keyFrom: string; readonly keyTo: string; readonly keyCount: number };

export interface NewRun {
  /** The spec version the run trains under. */
  readonly specVersion: number;
  /** Keys in the run (sum of shard key counts). */
  readonly keyCount: number;
  /** The shards, indexed 0…n-1 in this order. */
  readonly shards: readonly ShardPlan[];
}

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';
export type ShardStatus = 'pending' | 'running' | 'done' | 'failed';

export interface Run {
  /** Run id, unique in the store. */
  readonly id: number;
  /** Fleet name. */
  readonly fleet: string;
  /** Spec version trained under. */
  readonly specVersion: number;
  /** `running` until every shard is done (→ `done`), `failRun` (→ `failed`) or `cancelRun` (→ `cancelled`). */
  readonly status: RunStatus;
  /** Keys in the run. */
  readonly keyCount: number;
  /** Shards in the run. */
  readonly shardCount: number;
  /** When created. */
  readonly createdAt: number;
  /** When it became done, failed or cancelled, or `null`. */
  readonly finishedAt: number | null;
  /** Why it failed or was cancelled, or `null`. */
  readonly error: string | null;
}

export interface Shard {
  /** Run id. */
  readonly runId: number;
  /** Shard index, 0…shardCount-1. */
  readonly shard: number;
  /** Explicit key list, or `null` for a key range. */
  readonly keys: readonly string[] | null;
  /** Range start (inclusive), or `null` for a key list. */
  readonly keyFrom: string | null;
  /** Range end (inclusive), or `null` for a key list. */
  readonly keyTo: string | null;
  /** Keys covered. */
  readonly keyCount: number;
  /** pending → running → done | failed (failed may run again). */
  readonly status: ShardStatus;
  /** Times `markShardRunning` was called. */
  readonly attempts: number;
  /** Models committed by `markShardDone` (0 unless done). */
  readonly modelCount: number;
  /** Keys of this shard that failed to train (recorded as events). */
  readonly failureCount: number;
  /** Last failure message of the whole shard, or `null`. */
  readonly error: string | null;
  /** Last status change. */
  readonly updatedAt: number;
}

/** A key that failed to train inside an otherwise committed shard. */
export interface KeyFailure {
  readonly key: string;
  readonly reason: string;
}

export interface ShardDoneResult {
  /** Models inserted now (0 when the shard was already done). */
  readonly inserted: number;
  /** `true` when the shard had been done before: nothing was written. */
  readonly alreadyDone: boolean;
}

export interface RunProgress {
  readonly runId: number;
  readonly status: RunStatus;
  readonly keysTotal: number;
  /** Keys of done shards. */
  readonly keysDone: number;
  readonly shardsTotal: number;
  readonly shardsDone: number;
  readonly shardsRunning: number;
  /** Shards whose last attempt failed. */
  readonly shardsFailed: number;
  /** Models committed by the run. */
  readonly modelsWritten: number;
  /** Keys that failed to train inside done shards. */
  readonly keyFailures: number;
  /** From creation to finish (or now). */
  readonly elapsedMs: number;
  /** modelsWritten / elapsed seconds (0 before the first model). */
  readonly modelsPerSecond: number;
}

/** A recorded decision or incident. `numbers` holds the figures behind it. */
export interface NewEvent {
  /** E.g. `promote`, `rollback`, `fallback`, `quarantine`, `train_failed`, `drift`. */
  readonly kind: string;
  /** The entity concerned, if one. */
  readonly key?: string | null;
  /** The run concerned, if one. */
  readonly runId?: number | null;
  /** Human-readable why. */
  readonly reason: string;
  /** Figures behind the decision (metric values, thresholds, counts). */
  readonly numbers?: Readonly<Record<string, number>>;
}

export interface StoredEvent {
  /** Monotone id (events are listed newest first). */
  readonly id: number;
  readonly fleet: string;
  readonly kind: string;
  readonly key: string | null;
  readonly runId: number | null;
  readonly reason: string;
  readonly numbers: Readonly<Record<string, number>>;
  readonly createdAt: number;
}

export interface EventQuery extends PageQuery {
  /** Only this kind. */
  readonly kind?: string;
  /** Only this key. */
  readonly key?: string;
  /** Only this run. */
  readonly runId?: number;
}

/** An ingest row rejected by validation: where it was and why. */
export interface NewQuarantineRow {
  /** Source name: file path, `http`, `mqtt:<topic>`, … */
  readonly source: string;
  /** 1-based line (or record number) in the source, or `null`. */
  readonly line: number | null;
  /** Offending column, or `null` for the whole row. */
  readonly column: string | null;
  /** Entity key if it could be read, or `null`. */
  readonly key: string | null;
  /** Why it was rejected. */
  readonly reason: string;
  /** The raw row text (truncated by the caller if huge), or `null`. */
  readonly raw: string | null;
}

export interface QuarantineRow extends NewQuarantineRow {
  /** Monotone id (listed newest first). */
  readonly id: number;
  readonly fleet: string;
  readonly createdAt: number;
}

export interface PruneOptions {
  /** Keep the newest `keepLast` versions of every key (≥ 1). Champions are always kept. */
  readonly keepLast: number;
}

/** A column of a fleet's data and the type every batch reads it as (fixed by the first batch with values in it). */
export interface DataColumn {
  readonly name: string;
  readonly type: 'number' | 'category' | 'time' | 'boolean';
}

/** Ids that make an ingest commit idempotent: a resent batch (or message) is stored once. */
export interface IngestDedupe {
  /** Id namespace: `http`, `file`, `mqtt:<client id>`, … */
  readonly source: string;
  /** One id per batch (HTTP Idempotency-Key) or per message (MQTT). */
  readonly ids: readonly string[];
  /** JSON-safe answer kept with each id and returned for a resent batch. Default none. */
  readonly receipt?: unknown;
  /** How long ids of this source are remembered; default 7 days. Pruned lazily, every so many commits. */
  readonly keepMs?: number;
  /** Remember at most this many newest ids of this source (with `keepMs`, whichever forgets first). */
  readonly keepLast?: number;
}

/** One durable ingest commit: everything in it is written in ONE transaction, or nothing is. */
export interface IngestCommit {
  readonly chunks: readonly KeyChunk[];
  readonly quarantine?: readonly NewQuarantineRow[];
  readonly dedupe?: IngestDedupe;
  /** A source's position after this batch (a file offset, a SQL cursor), stored with the rows. */
  readonly cursor?: { readonly source: string; readonly value: string };
  /** Column types the batch was read with: new names are registered; another type for a known name refuses the commit. */
  readonly columns?: readonly DataColumn[];
}

/**
 * `committed`: everything was written. Otherwise some dedupe ids were already stored: nothing was
 * written, and `duplicates` lists those ids with their receipts (the caller drops them and retries
 * the rest, or answers with the receipt).
 */
export type IngestOutcome =
  | { readonly committed: true }
  | {
      readonly committed: false;
      readonly duplicates: readonly { readonly id: string; readonly receipt: unknown }[];
    };
