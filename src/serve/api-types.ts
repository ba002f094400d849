/**
 * Request and response bodies of the HTTP API: the one set of types shared by the server routes
 * and the client (src/client). `schemas.ts` holds the matching JSON schemas (validated at the
 * edge and published at /openapi.json); a test checks the two agree field by field. Numbers that
 * are not finite (NaN predictions, undefined metrics) are sent as `null`.
 */

/** The one error shape of every non-2xx answer. */
export interface ErrorBody {
  error: {
    /** Stable code (`ROW_INVALID`, `MODEL_NOT_FOUND`, ...): branch on it, never on the message. */
    code: string;
    message: string;
    /** Where: `field` (e.g. `body.items[3].row.f2`), `row`, `column`, `key`, `fleet`, ... */
    details: Record<string, unknown>;
  };
}

/** One input row: column name → value (number, string, boolean, ISO time or null). */
export type Row = Record<string, unknown>;

/** The model that served an answer. */
export interface ModelRef {
  /** Key of the model record: the entity's own key, or `__fallback__`. */
  key: string;
  version: number;
  algorithm: string;
  /** Why a fallback served (`unknown_key`, `too_few_rows`, ...), or null. */
  fallback: string | null;
}

export type Label = string | number;

/** `POST /v1/fleets/{fleet}/predict`, one entity. */
export interface PredictRequest {
  key: string;
  rows: Row[];
}

export interface PredictResponse {
  key: string;
  model: ModelRef;
  /** One value per row: the class label of number-labelled classifiers, the index of the label in `classes` for string labels, the flag (0/1) of anomaly models. */
  predictions: (number | null)[];
  /** Classifiers: the most probable class label per row. */
  labels?: (Label | null)[];
  /** Classifiers: per row, probabilities in the order of `classes`. */
  probabilities?: (number | null)[][];
  /** Classifiers: class labels. */
  classes?: Label[];
}

/** `POST /v1/fleets/{fleet}/predict`, many entities (one row each). */
export interface PredictManyRequest {
  items: { key: string; row: Row }[];
}

export interface PredictManyItem {
  key: string;
  model: ModelRef;
  prediction: number | null;
  label?: Label | null;
  probabilities?: (number | null)[];
  classes?: Label[];
}

export interface PredictManyResponse {
  /** In request order. */
  items: PredictManyItem[];
}

/** `POST /v1/fleets/{fleet}/forecast`. */
export interface ForecastRequest {
  key: string;
  /** Steps after the end of the training data. */
  horizon: number;
}

/** A prediction interval for steps 1..horizon at one coverage level. */
export interface ForecastInterval {
  /** Nominal coverage, e.g. 0.8 or 0.95. */
  level: number;
  lower: (number | null)[];
  upper: (number | null)[];
}

export interface ForecastResponse {
  key: string;
  model: ModelRef;
  /** Point forecasts for steps 1..horizon. */
  forecast: (number | null)[];
  /**
   * Prediction intervals per level, from empirical quantiles of the model's rolling-validation and
   * test residuals (empty for models stored without them).
   */
  intervals: ForecastInterval[];
}

/** `POST /v1/fleets/{fleet}/score` (anomaly fleets). */
export interface ScoreRequest {
  key: string;
  rows: Row[];
}

export interface ScoreResponse {
  key: string;
  model: ModelRef;
  /** Anomaly score per row: higher = more anomalous. */
  scores: (number | null)[];
  /** The detector's decision per row: 1 = outlier, 0 = normal (null when a row cannot be scored). */
  flags: (number | null)[];
}

/** A fleet spec as sent to `POST /v1/fleets` (checked by `validateFleetSpec`; see train/spec.ts). */
export type FleetSpecInput = Record<string, unknown>;

export interface FleetSummary {
  name: string;
  /** Current spec version, or null before the first. */
  specVersion: number | null;
  /** Epoch ms. */
  createdAt: number;
}

export interface FleetDetail extends FleetSummary {
  /** The current spec with defaults filled in, or null. */
  spec: Record<string, unknown> | null;
}

export interface FleetList {
  items: FleetSummary[];
}

/** One rejected row of a data upload. */
export interface DataIssue {
  /** 1-based line (CSV, NDJSON), or null (JSON array). */
  line: number | null;
  /** 1-based record number among data rows. */
  row: number;
  column: string | null;
  reason: string;
  message: string;
}

/** `POST /v1/fleets/{fleet}/data` answer. */
export interface DataAppendResponse {
  format: 'csv' | 'ndjson' | 'json';
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Entities that received rows. */
  keys: number;
  /** Rejected rows stored in the quarantine. */
  quarantined: number;
  /** Rejected rows beyond the quarantine limit (counted, not stored). */
  quarantineDropped: number;
  /** The first rejected rows with where and why. */
  examples: DataIssue[];
}

/** `POST /v1/fleets/{fleet}/runs`. */
export interface StartRunRequest {
  /** Only these keys; default all. */
  keys?: string[];
  reason?: string;
}

export interface StartRunResponse {
  runId: number;
}

export interface RunInfo {
  id: number;
  fleet: string;
  specVersion: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  keyCount: number;
  shardCount: number;
  createdAt: number;
  finishedAt: number | null;
}

export interface RunList {
  items: RunInfo[];
  nextCursor: string | null;
}

export interface RunProgressInfo {
  runId: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  keysTotal: number;
  keysDone: number;
  shardsTotal: number;
  shardsDone: number;
  shardsRunning: number;
  shardsFailed: number;
  modelsWritten: number;
  keyFailures: number;
  elapsedMs: number;
  modelsPerSecond: number;
}

/** `GET /v1/runs/{id}`. */
export interface RunDetail {
  run: RunInfo;
  progress: RunProgressInfo;
}

export interface CancelRunResponse {
  runId: number;
  status: 'running' | 'done' | 'failed' | 'cancelled';
}

/** A stored model version (without its bundle). */
export interface ModelSummary {
  fleet: string;
  key: string;
  version: number;
  status: 'candidate' | 'champion' | 'archived';
  algorithm: string;
  params: Record<string, unknown>;
  metrics: Record<string, number | null>;
  trainStart: number | null;
  trainEnd: number | null;
  rowCount: number;
  dataHash: string;
  specVersion: number;
  fallbackReason: string | null;
  runId: number | null;
  shard: number | null;
  bundleBytes: number;
  createdAt: number;
  promotedAt: number | null;
}

/** Query of `GET /v1/fleets/{fleet}/models`. */
export interface ModelListQuery {
  status?: 'candidate' | 'champion' | 'archived';
  algorithm?: string;
  /** true: only fallback models; false: only models of their own. */
  fallback?: boolean;
  key?: string;
  /** A metric filter `name<op>value`, op one of `< <= > >= = !=`, e.g. `rmse<0.5`. */
  metric?: string;
  /** Page size 1..1000, default 100. */
  limit?: number;
  cursor?: string;
}

export interface ModelList {
  items: ModelSummary[];
  nextCursor: string | null;
}

/** `GET /v1/fleets/{fleet}/models/{key}`. */
export interface ModelDetail {
  key: string;
  champion: ModelSummary | null;
  /** Every stored version, newest first. */
  history: ModelSummary[];
}

export interface PromoteRequest {
  version: number;
  reason?: string;
}

export interface RollbackRequest {
  reason?: string;
}

/** Answer of promote / rollback: the champion now served for the key. */
export interface ChampionChange {
  key: string;
  champion: number;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface HealthResponse {
  status: 'ok';
}

export interface ReadyResponse {
  status: 'ready';
}
