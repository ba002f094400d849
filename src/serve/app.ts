import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { AimassError, isAimassError } from '../core/errors.ts';
import { TokenAuth } from './auth.ts';
import { BundleCache } from './bundle-cache.ts';
import type { ServeContext } from './context.ts';
import { toHttpError } from './http-errors.ts';
import { ServeMetrics } from './metrics.ts';
import { buildOpenApi, type RouteRecord, routeRecord } from './openapi.ts';
import { type AppOptions, resolveLimits } from './options.ts';
import { RateLimiter } from './rate-limit.ts';
import { dataRoutes } from './routes/data.ts';
import { registerFleetRoutes } from './routes/fleets.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerPredictRoutes } from './routes/predict.ts';
import { registerRunRoutes } from './routes/runs.ts';

/** The built HTTP app and the handles the rest of the process needs. */
export interface AimassApp {
  readonly fastify: FastifyInstance;
  readonly cache: BundleCache;
  readonly metrics: ServeMetrics;
  /** For the training engine: forget cached champions after new results (a key, or the whole fleet). */
  invalidate(fleet: string, key?: string): void;
  /** Readiness answers 503 from now on (graceful shutdown), then the app closes. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_BUNDLE_BYTES_FACTOR = 4;

/**
 * Builds the fastify app: JSON schemas at the edge, bearer-token scopes, concurrency limit,
 * per-route metrics, one error shape. The app does not listen (see `startServer`); tests call it
 * with `app.fastify.inject`.
 */
export async function createApp(options: AppOptions): Promise<AimassApp> {
  const limits = resolveLimits(options.limits);
  const metrics = new ServeMetrics();
  const auth = new TokenAuth(options.tokens ?? []);
  const now = options.now ?? (() => performance.now());
  const onInternalError =
    options.onInternalError ??
    ((error: unknown, request: { method: string; url: string }) =>
      console.error(`aimass serve: internal error on ${request.method} ${request.url}:`, error));
  const cacheOptions = {
    cacheMaxBytes: options.cache?.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
    bundleBytesFactor: options.cache?.bundleBytesFactor ?? DEFAULT_BUNDLE_BYTES_FACTOR,
    championTtlMs: options.cache?.championTtlMs ?? 0,
  };
  for (const [name, value] of Object.entries(cacheOptions))
    if (
      !(
        typeof value === 'number' &&
        Number.isFinite(value) &&
        value >= (name === 'cacheMaxBytes' || name === 'bundleBytesFactor' ? 1e-9 : 0)
      )
    )
      throw new AimassError(
        'PARAM_INVALID',
        `serve: cache.${name} must be a ${name === 'championTtlMs' ? 'non-negative' : 'positive'} number`,
        {
          field: `cache.${name}`,
          value,
        },
      );
  const cache = new BundleCache(options.store, options.loadPredictor, cacheOptions, metrics, now);
  const invalidate = (fleet: string, key?: string) => cache.invalidate(fleet, key);
  const training =
    typeof options.training === 'function' ? options.training({ invalidate }) : options.training;
  const ctx: ServeContext = {
    store: options.store,
    cache,
    training,
    limits,
    metrics,
    auth,
  };
  const state = { draining: false };

  const fastify = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.bodyLimitBytes,
    // node's own timeouts: a slow client gets 408 and its socket closed, never a stuck handler.
    serverFactory: (handler) =>
      createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.keepAliveTimeoutMs,
          connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
        },
        handler,
      ),
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    return503OnClosing: true,
  });

  const routes: RouteRecord[] = [];
  fastify.addHook('onRoute', (route) => {
    routes.push(...routeRecord(route));
  });

  // Concurrency limit, then auth: both before the body is read, so rejected requests cost little.
  let inFlight = 0;
  const rateLimiter = new RateLimiter(limits.requestsPerSecond, now);
  const counted = new WeakSet<FastifyRequest>();
  const release = async (request: FastifyRequest) => {
    if (counted.delete(request)) inFlight--;
  };
  fastify.addHook('onRequest', async (request, reply) => {
    const scope = request.routeOptions.config?.scope;
    if (scope === undefined) return;
    if (inFlight >= limits.maxConcurrentRequests)
      throw new AimassError(
        'RATE_LIMITED',
        `too many concurrent requests (limit ${limits.maxConcurrentRequests}); retry shortly`,
        {
          expected: `at most ${limits.maxConcurrentRequests} in flight`,
        },
        { retryable: true },
      );
    rateLimiter.take(auth.check(request.headers.authorization, scope));
    inFlight++;
    counted.add(request);
    // 'close' fires once the response is done OR the client hung up (even inside the body, where
    // neither onResponse nor onRequestAbort runs): the slot is always given back, exactly once.
    reply.raw.once('close', () => release(request));
  });
  fastify.addHook('onResponse', async (request, reply) => {
    await release(request);
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.latency.observe(reply.elapsedTime / 1000, { route });
  });
  fastify.addHook('onRequestAbort', release);

  fastify.setErrorHandler((error, request, reply) => {
    const { status, body, internal } = toHttpError(error);
    if (internal) onInternalError(error, { method: request.method, url: request.url });
    if (status === 401) reply.header('www-authenticate', 'Bearer');
    if (status === 429 || status === 503) {
      const seconds = isAimassError(error) ? error.context.retryAfterSeconds : undefined;
      reply.header('retry-after', String(typeof seconds === 'number' ? seconds : 1));
    }
    reply.code(status).type('application/json').send(body);
  });
  fastify.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: {
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
        details: {},
      },
    });
  });

  registerHealthRoutes(fastify, ctx, state);
  registerFleetRoutes(fastify, ctx);
  registerPredictRoutes(fastify, ctx);
  registerRunRoutes(fastify, ctx);
  registerModelRoutes(fastify, ctx);
  await fastify.register(async (child) => dataRoutes(child, ctx));

  let document: Record<string, unknown> | undefined;
  fastify.get('/openapi.json', { config: { summary: 'This API as an OpenAPI 3.1 document' } }, async () => {
    document ??= buildOpenApi(routes, { title: 'aimass', version: '1' });
    return document;
  });

  await fastify.ready();
  let closing: Promise<void> | undefined;
  return {
    fastify,
    cache,
    metrics,
    invalidate,
    close() {
      state.draining = true;
      closing ??= fastify.close();
      return closing;
    },
  };
}
