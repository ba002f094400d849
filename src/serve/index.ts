/**
 * The prediction service: the fastify app (`createApp`), the listening server (`startServer`),
 * the many-model `BundleCache`, the request/response types shared with src/client, and helpers.
 *
 * Auth: bearer tokens with scopes `predict` (predict/forecast/score), `ingest` (data) and `admin`
 * (everything else, and implies the other two). Configure with the `tokens` option or
 * `AIMASS_TOKENS="token1:predict,ingest;token2:admin"` (tokens ≥ 8 characters). No tokens = auth
 * off, which `startServer` only allows on a loopback address. /healthz, /readyz and /openapi.json
 * are public; /metrics needs `admin`.
 *
 * Wiring the engine: `training: ({ invalidate }) => new TrainingRunner({ store, queue, invalidate })`
 * — the engine calls `invalidate(fleet, key?)` after it commits models (also `app.invalidate`).
 */
export type {
  CancelRunResponse,
  ChampionChange,
  DataAppendResponse,
  DataIssue,
  ErrorBody,
  FleetDetail,
  FleetList,
  FleetSpecInput,
  FleetSummary,
  ForecastInterval,
  ForecastRequest,
  ForecastResponse,
  HealthResponse,
  Label,
  ModelDetail,
  ModelList,
  ModelListQuery,
  ModelRef,
  ModelSummary,
  PageQuery,
  PredictManyItem,
  PredictManyRequest,
  PredictManyResponse,
  PredictRequest,
  PredictResponse,
  PromoteRequest,
  ReadyResponse,
  RollbackRequest,
  Row,
  RunDetail,
  RunInfo,
  RunList,
  RunProgressInfo,
  ScoreRequest,
  ScoreResponse,
  StartRunRequest,
  StartRunResponse,
} from './api-types.ts';
export type { AimassApp } from './app.ts';
export { createApp } from './app.ts';
export { isLoopback, TokenAuth } from './auth.ts';
export type { BundleCacheOptions } from './bundle-cache.ts';
export { BundleCache } from './bundle-cache.ts';
export { statusForCode, toHttpError } from './http-errors.ts';
export { ServeMetrics } from './metrics.ts';
export { forecastOutput, modelRef, mostProbable, probabilityRow, toNullableNumbers } from './model-output.ts';
export type {
  AppOptions,
  CacheOptions,
  Scope,
  ServeHooks,
  ServeLimits,
  StartRunOptions,
  TokenConfig,
  TrainingService,
} from './options.ts';
export { DEFAULT_LIMITS, parseTokens, resolveLimits } from './options.ts';
export { RateLimiter } from './rate-limit.ts';
export type { RowPath } from './rows-to-frame.ts';
export { rowsToFrame } from './rows-to-frame.ts';
export type { RunningServer, ServerOptions } from './server.ts';
export { startServer } from './server.ts';
