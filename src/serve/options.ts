import { AimassError } from '../core/errors.ts';
import type { Predictor } from '../fleet/predictor.ts';
import type { Store } from '../store/store.ts';

/** What a token may do. `admin` implies every scope. */
export type Scope = 'predict' | 'ingest' | 'admin';
export const SCOPES: readonly Scope[] = ['predict', 'ingest', 'admin'];

/** One configured API token and its scopes. */
export interface TokenConfig {
  readonly token: string;
  readonly scopes: readonly Scope[];
}

/** Options of a training run started through the API (`POST /v1/fleets/{fleet}/runs`). */
export interface StartRunOptions {
  /** Only these keys; default: every key of the fleet. */
  readonly keys?: readonly string[];
  /** Why the run was started (recorded by the engine). */
  readonly reason?: string;
}

/** The training engine as the API sees it (the engine itself lives in train/). */
export interface TrainingService {
  startRun(fleet: string, options: StartRunOptions): Promise<{ runId: number }>;
  cancelRun(runId: number): Promise<void>;
}

/** What the app hands to the training engine it builds. */
export interface ServeHooks {
  /** Forget cached champions: one key, or the whole fleet when `key` is omitted. */
  invalidate(fleet: string, key?: string): void;
}

/** Resource limits; every one answers a 4xx with a message when exceeded, never a crash. */
export interface ServeLimits {
  /** Largest request body in bytes (JSON routes). Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Largest body of `POST /v1/fleets/{fleet}/data` in bytes. Default 64 MiB. */
  readonly dataBodyLimitBytes?: number;
  /** Rows per `predict` / `score` request (single entity). Default 10,000. */
  readonly maxRows?: number;
  /** Items per batch `predict` request. Default 10,000. */
  readonly maxItems?: number;
  /** Largest forecast horizon. Default 10,000. */
  readonly maxHorizon?: number;
  /** Requests processed at once; more get 429. Default 1024. */
  readonly maxConcurrentRequests?: number;
  /**
   * Sustained requests per second per token (one shared budget when auth is off), with bursts of
   * one second's worth; more get 429 with Retry-After. Health, readiness and OpenAPI are exempt.
   * 0 = no rate limit. Default 0.
   */
  readonly requestsPerSecond?: number;
  /** Time to receive the request headers (node `headersTimeout`). Default 10 s. */
  readonly headersTimeoutMs?: number;
  /** Time to receive the whole request (node `requestTimeout`; answers 408). Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** How often node checks the two timeouts above. Default 1 s. */
  readonly connectionsCheckingIntervalMs?: number;
}

/** Bundle cache settings (see `BundleCache`). */
export interface CacheOptions {
  /** Memory budget of decoded predictors in bytes. Default 256 MiB. */
  readonly cacheMaxBytes?: number;
  /** A predictor is accounted as `bundleBytes × bundleBytesFactor` (+ a fixed overhead). Default 4. */
  readonly bundleBytesFactor?: number;
  /**
   * Champion lookups older than this are re-read from the store; 0 = only explicit invalidation
   * (right for one server; set it when several servers share a store). Default 0.
   */
  readonly championTtlMs?: number;
}

/** Everything `createApp` needs. */
export interface AppOptions {
  /** An opened, migrated store. */
  readonly store: Store;
  /** Decodes a stored bundle (train/load-predictor.ts). */
  readonly loadPredictor: (bytes: Uint8Array) => Predictor | Promise<Predictor>;
  /**
   * The training engine; without it the run routes answer 503. A function receives the app's
   * `invalidate` (for the engine to call after committing models) and returns the engine, which
   * breaks the app ↔ engine construction cycle:
   * `training: ({ invalidate }) => new TrainingRunner({ store, queue, invalidate })`.
   */
  readonly training?: TrainingService | ((hooks: ServeHooks) => TrainingService);
  /** API tokens; empty (default) = auth off (only allowed on loopback by `startServer`). */
  readonly tokens?: readonly TokenConfig[];
  readonly limits?: ServeLimits;
  readonly cache?: CacheOptions;
  /** Fastify request logging. Default false. */
  readonly logger?: boolean;
  /**
   * Where unexpected (500) errors are reported with their stack: the client only sees
   * `internal error`. Default: one line on stderr via `console.error`.
   */
  readonly onInternalError?: (error: unknown, request: { method: string; url: string }) => void;
  /** Clock for latency metrics and TTLs (tests). Default `performance.now`. */
  readonly now?: () => number;
}

export interface ResolvedLimits {
  readonly bodyLimitBytes: number;
  readonly dataBodyLimitBytes: number;
  readonly maxRows: number;
  readonly maxItems: number;
  readonly maxHorizon: number;
  readonly maxConcurrentRequests: number;
  readonly requestsPerSecond: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly connectionsCheckingIntervalMs: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = {
  bodyLimitBytes: 1024 * 1024,
  dataBodyLimitBytes: 64 * 1024 * 1024,
  maxRows: 10_000,
  maxItems: 10_000,
  maxHorizon: 10_000,
  maxConcurrentRequests: 1024,
  requestsPerSecond: 0,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  connectionsCheckingIntervalMs: 1_000,
};

/** Defaults applied in one place; a non-positive or non-integer limit is PARAM_INVALID. */
export function resolveLimits(given: ServeLimits = {}): ResolvedLimits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!(name in DEFAULT_LIMITS))
      throw new AimassError('PARAM_INVALID', `serve: unknown limit "${name}"`, { field: `limits.${name}` });
    const least = name === 'requestsPerSecond' ? 0 : 1;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < least)
      throw new AimassError(
        'PARAM_INVALID',
        `serve: limits.${name} must be a ${least === 0 ? 'non-negative' : 'positive'} integer`,
        {
          field: `limits.${name}`,
          value,
        },
      );
    out[name] = value;
  }
  return out as unknown as ResolvedLimits;
}

/**
 * Parses `AIMASS_TOKENS`: `token1:predict,ingest;token2:admin` (tokens separated by `;`, scopes by
 * `,`). Whitespace around parts is ignored; an empty string means no tokens.
 */
export function parseTokens(text: string | undefined): TokenConfig[] {
  if (text === undefined || text.trim() === '') return [];
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part, index) => {
      const colon = part.lastIndexOf(':');
      const token = colon < 0 ? '' : part.slice(0, colon).trim();
      if (token.length < 8)
        throw new AimassError(
          'PARAM_INVALID',
          `AIMASS_TOKENS entry ${index + 1}: expected "<token of at least 8 characters>:<scopes>"`,
          { field: 'AIMASS_TOKENS', expected: 'token:scope,scope;token:scope' },
        );
      const scopes = part
        .slice(colon + 1)
        .split(',')
        .map((s) => s.trim());
      for (const scope of scopes)
        if (!SCOPES.includes(scope as Scope))
          throw new AimassError(
            'PARAM_INVALID',
            `AIMASS_TOKENS entry ${index + 1}: unknown scope "${scope}" (scopes: ${SCOPES.join(', ')})`,
            { field: 'AIMASS_TOKENS', value: scope, expected: SCOPES.join(' | ') },
          );
      return { token, scopes: scopes as Scope[] };
    });
}
