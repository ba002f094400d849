import type { FastifyInstance } from 'fastify';
import { AimassError } from '../../core/errors.ts';
import type { MetricOp, ModelInfo, ModelQuery } from '../../store/types.ts';
import type {
  ChampionChange,
  ModelDetail,
  ModelList,
  ModelListQuery,
  ModelSummary,
  PromoteRequest,
  RollbackRequest,
} from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import { emptyBodyAsObject } from '../http-errors.ts';
import {
  championChangeSchema,
  errorSchema,
  fleetKeyParams,
  fleetParams,
  modelDetailSchema,
  modelListQuerySchema,
  modelListSchema,
  promoteRequestSchema,
  rollbackRequestSchema,
} from '../schemas.ts';
import { mustGetFleet } from './fleets.ts';

const METRIC_FILTER = /^([A-Za-z0-9_.-]{1,64})(<=|>=|!=|<|>|=)(.+)$/;

/** Model versions: list (filters, cursor), one key's champion + history, promote, rollback. Scope `admin`. */
export function registerModelRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get<{ Params: { fleet: string }; Querystring: ModelListQuery }>(
    '/v1/fleets/:fleet/models',
    {
      config: {
        scope: 'admin',
        summary: 'Model versions, newest first; filters status/algorithm/fallback/key/metric',
      },
      schema: {
        params: fleetParams,
        querystring: modelListQuerySchema,
        response: { 200: modelListSchema, '4xx': errorSchema },
      },
    },
    async (request): Promise<ModelList> => {
      const fleet = (await mustGetFleet(ctx, request.params.fleet)).name;
      const q = request.query;
      const query: ModelQuery = {
        status: q.status,
        algorithm: q.algorithm,
        fallback: q.fallback,
        key: q.key,
        metric: q.metric === undefined ? undefined : parseMetricFilter(q.metric),
        limit: q.limit,
        cursor: q.cursor,
      };
      const page = await ctx.store.listModels(fleet, query);
      return { items: page.items.map(modelSummary), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { fleet: string; key: string } }>(
    '/v1/fleets/:fleet/models/:key',
    {
      config: { scope: 'admin', summary: "One key's champion and every stored version" },
      schema: { params: fleetKeyParams, response: { 200: modelDetailSchema, '4xx': errorSchema } },
    },
    async (request): Promise<ModelDetail> => {
      const { key } = request.params;
      const fleet = (await mustGetFleet(ctx, request.params.fleet)).name;
      const history = await ctx.store.history(fleet, key);
      if (history.length === 0)
        throw new AimassError('MODEL_NOT_FOUND', `fleet "${fleet}" has no model for key "${key}"`, {
          fleet,
          key,
        });
      const champion = history.find((m) => m.status === 'champion');
      return { key, champion: champion ? modelSummary(champion) : null, history: history.map(modelSummary) };
    },
  );

  app.post<{ Params: { fleet: string; key: string }; Body: PromoteRequest }>(
    '/v1/fleets/:fleet/models/:key/promote',
    {
      config: {
        scope: 'admin',
        summary: 'Make a version the champion; served by every request after this answer',
      },
      schema: {
        params: fleetKeyParams,
        body: promoteRequestSchema,
        response: { 200: championChangeSchema, '4xx': errorSchema },
      },
    },
    async (request): Promise<ChampionChange> => {
      const { fleet, key } = request.params;
      const { version, reason } = request.body;
      await mustGetFleet(ctx, fleet);
      // Store commit first, then invalidate, then answer: no request after the answer sees the old version.
      await ctx.store.promote(fleet, key, version, reason ?? 'api promote');
      ctx.cache.invalidate(fleet, key);
      return { key, champion: version };
    },
  );

  app.post<{ Params: { fleet: string; key: string }; Body: RollbackRequest | undefined }>(
    '/v1/fleets/:fleet/models/:key/rollback',
    {
      config: { scope: 'admin', summary: 'Restore the previous champion' },
      preValidation: emptyBodyAsObject,
      schema: {
        params: fleetKeyParams,
        body: rollbackRequestSchema,
        response: { 200: championChangeSchema, '4xx': errorSchema },
      },
    },
    async (request): Promise<ChampionChange> => {
      const { fleet, key } = request.params;
      await mustGetFleet(ctx, fleet);
      const version = await ctx.store.rollback(fleet, key, request.body?.reason ?? 'api rollback');
      ctx.cache.invalidate(fleet, key);
      return { key, champion: version };
    },
  );
}

function parseMetricFilter(text: string): { name: string; op: MetricOp; value: number } {
  const match = METRIC_FILTER.exec(text);
  const value = match ? Number(match[3]) : Number.NaN;
  if (!match || !Number.isFinite(value))
    throw new AimassError(
      'PARAM_INVALID',
      `querystring.metric: expected "<name><op><number>" such as "rmse<0.5", got ${JSON.stringify(text)}`,
      {
        field: 'querystring.metric',
        value: text,
        expected: 'name followed by one of < <= > >= = != and a number',
      },
    );
  return { name: match[1], op: match[2] as MetricOp, value };
}

export function modelSummary(m: ModelInfo): ModelSummary {
  const metrics: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(m.metrics))
    metrics[name] = Number.isFinite(value) ? value : null;
  return {
    fleet: m.fleet,
    key: m.key,
    version: m.version,
    status: m.status,
    algorithm: m.algorithm,
    params: { ...m.params },
    metrics,
    trainStart: m.trainStart,
    trainEnd: m.trainEnd,
    rowCount: m.rowCount,
    dataHash: m.dataHash,
    specVersion: m.specVersion,
    fallbackReason: m.fallbackReason,
    runId: m.runId,
    shard: m.shard,
    bundleBytes: m.bundleBytes,
    createdAt: m.createdAt,
    promotedAt: m.promotedAt,
  };
}
