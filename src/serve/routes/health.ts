import type { FastifyInstance } from 'fastify';
import { AimassError } from '../../core/errors.ts';
import type { HealthResponse, ReadyResponse } from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import { renderGauge } from '../metrics.ts';
import { errorSchema, healthSchema, readySchema } from '../schemas.ts';

/** Runs of each fleet scanned for progress gauges at scrape time (newest first). */
const RUNS_SCANNED_PER_FLEET = 20;

/**
 * Liveness, readiness and Prometheus metrics. /healthz and /readyz are public (load balancers
 * probe them without tokens); /metrics needs the `admin` scope.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  ctx: ServeContext,
  state: { draining: boolean },
): void {
  app.get(
    '/healthz',
    { config: { summary: 'Liveness: the process answers' }, schema: { response: { 200: healthSchema } } },
    async (): Promise<HealthResponse> => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      config: {
        summary: 'Readiness: the store answers (and is migrated) and the server is not shutting down',
      },
      schema: { response: { 200: readySchema, '5xx': errorSchema } },
    },
    async (): Promise<ReadyResponse> => {
      if (state.draining)
        throw new AimassError('UNAVAILABLE', 'the server is shutting down', {}, { retryable: true });
      try {
        // A real query: reachable, and the fleets table exists (migrations applied).
        await ctx.store.getFleet('readyz-probe');
      } catch (error) {
        throw new AimassError(
          'UNAVAILABLE',
          `the store is not ready: ${error instanceof Error ? error.message : String(error)}`,
          {},
          { retryable: true, cause: error },
        );
      }
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    { config: { scope: 'admin', summary: 'Prometheus metrics (text format 0.0.4)' } },
    async (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return renderMetrics(ctx);
    },
  );
}

async function renderMetrics(ctx: ServeContext): Promise<string> {
  const m = ctx.metrics;
  const cache = ctx.cache.stats();
  const parts = [
    m.requests.render(),
    m.latency.render(),
    m.cacheHits.render(),
    m.cacheMisses.render(),
    m.cacheEvictions.render(),
    renderGauge('aimass_bundle_cache_entries', 'Entries (models and fallback lookups) in the bundle cache.', [
      { value: cache.entries },
    ]),
    renderGauge('aimass_bundle_cache_bytes', 'Accounted bytes of the bundle cache.', [
      { value: cache.bytes },
    ]),
    renderGauge('aimass_bundle_cache_max_bytes', 'Byte budget of the bundle cache (cacheMaxBytes).', [
      { value: cache.maxBytes },
    ]),
    renderGauge('aimass_bundle_loads_in_flight', 'Store reads + decodes in progress.', [
      { value: cache.loading },
    ]),
    m.bundleLoads.render(),
    m.bundleLoadFailures.render(),
    m.loadLatency.render(),
  ];
  const running: {
    labels: Record<string, string>;
    done: number;
    total: number;
    models: number;
    failed: number;
  }[] = [];
  for (const fleet of await ctx.store.listFleets()) {
    const runs = await ctx.store.listRuns(fleet.name, { limit: RUNS_SCANNED_PER_FLEET });
    for (const run of runs.items) {
      if (run.status !== 'running') continue;
      const p = await ctx.store.runProgress(run.id);
      if (p === undefined) continue;
      running.push({
        labels: { fleet: fleet.name, run: String(run.id) },
        done: p.keysDone,
        total: p.keysTotal,
        models: p.modelsWritten,
        failed: p.shardsFailed,
      });
    }
  }
  parts.push(
    renderGauge(
      'aimass_run_keys_total',
      'Keys in each running training run.',
      running.map((r) => ({ labels: r.labels, value: r.total })),
    ),
    renderGauge(
      'aimass_run_keys_done',
      'Keys of done shards in each running run.',
      running.map((r) => ({ labels: r.labels, value: r.done })),
    ),
    renderGauge(
      'aimass_run_models_written',
      'Models committed by each running run.',
      running.map((r) => ({ labels: r.labels, value: r.models })),
    ),
    renderGauge(
      'aimass_run_shards_failed',
      'Shards whose last attempt failed, per running run.',
      running.map((r) => ({ labels: r.labels, value: r.failed })),
    ),
  );
  return parts.join('');
}
