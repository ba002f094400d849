/**
 * The prediction service: the fastify app (`createApp`), the listening server (`startServer`),
 * the many-model `BundleCache`, the request/response types shared with src/client, and helpers.
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
export type { BundleCacheOptions, ServedModel } from './bundle-cache.ts';
export { BundleCache, FALLBACK_KEY, UNKNOWN_KEY_REASON } from './bundle-cache.ts';
export { statusForCode, toHttpError } from './http-errors.ts';
export { ServeMetrics } from './metrics.ts';
export type {
  AppOptions,
  CacheOptions,
  Scope,
  ServeLimits,
  StartRunOptions,
  TokenConfig,
  TrainingService,
} from './options.ts';
export { DEFAULT_LIMITS, parseTokens, resolveLimits } from './options.ts';
export type { RowPath } from './rows-to-frame.ts';
export { rowsToFrame } from './rows-to-frame.ts';
export type { RunningServer, ServerOptions } from './server.ts';
export { startServer } from './server.ts';
