import type { FastifyInstance } from 'fastify';
import { AimassError } from '../../core/errors.ts';
import type { Run } from '../../store/types.ts';
import type {
  CancelRunResponse,
  PageQuery,
  RunDetail,
  RunInfo,
  RunList,
  StartRunRequest,
  StartRunResponse,
} from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import { emptyBodyAsObject } from '../http-errors.ts';
import {
  cancelRunResponseSchema,
  errorSchema,
  fleetParams,
  pageQuery,
  runDetailSchema,
  runListSchema,
  runParams,
  startRunRequestSchema,
  startRunResponseSchema,
} from '../schemas.ts';
import { mustGetFleet } from './fleets.ts';

/** Training runs: start (via the injected engine), list, progress, cancel. Scope `admin`. */
export function registerRunRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Params: { fleet: string }; Body: StartRunRequest | undefined }>(
    '/v1/fleets/:fleet/runs',
    {
      config: { scope: 'admin', summary: 'Start a training run over the fleet (or some keys)' },
      preValidation: emptyBodyAsObject,
      schema: {
        params: fleetParams,
        body: startRunRequestSchema,
        response: { 202: startRunResponseSchema, '4xx': errorSchema },
      },
    },
    async (request, reply): Promise<StartRunResponse> => {
      const training = mustHaveTraining(ctx);
      const fleet = (await mustGetFleet(ctx, request.params.fleet)).name;
      const body = request.body ?? {};
      const { runId } = await training.startRun(fleet, { keys: body.keys, reason: body.reason ?? 'api' });
      reply.code(202);
      return { runId };
    },
  );

  app.get<{ Params: { fleet: string }; Querystring: PageQuery }>(
    '/v1/fleets/:fleet/runs',
    {
      config: { scope: 'admin', summary: 'Runs of a fleet, newest first (paginated)' },
      schema: {
        params: fleetParams,
        querystring: pageQuery,
        response: { 200: runListSchema, '4xx': errorSchema },
      },
    },
    async (request): Promise<RunList> => {
      const fleet = (await mustGetFleet(ctx, request.params.fleet)).name;
      const page = await ctx.store.listRuns(fleet, request.query);
      return { items: page.items.map(runInfo), nextCursor: page.nextCursor };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/v1/runs/:id',
    {
      config: { scope: 'admin', summary: 'A run and its progress' },
      schema: { params: runParams, response: { 200: runDetailSchema, '4xx': errorSchema } },
    },
    async (request): Promise<RunDetail> => {
      const run = await mustGetRun(ctx, request.params.id);
      const progress = await ctx.store.runProgress(run.id);
      if (progress === undefined) throw new AimassError('NOT_FOUND', `no run ${run.id}`, { runId: run.id });
      return { run: runInfo(run), progress: { ...progress } };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/v1/runs/:id/cancel',
    {
      config: { scope: 'admin', summary: 'Cancel a run (committed shards stay)' },
      schema: { params: runParams, response: { 200: cancelRunResponseSchema, '4xx': errorSchema } },
    },
    async (request): Promise<CancelRunResponse> => {
      const training = mustHaveTraining(ctx);
      const run = await mustGetRun(ctx, request.params.id);
      await training.cancelRun(run.id);
      const after = await mustGetRun(ctx, run.id);
      return { runId: after.id, status: after.status };
    },
  );
}

function runInfo(run: Run): RunInfo {
  return {
    id: run.id,
    fleet: run.fleet,
    specVersion: run.specVersion,
    status: run.status,
    keyCount: run.keyCount,
    shardCount: run.shardCount,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  };
}

async function mustGetRun(ctx: ServeContext, id: number): Promise<Run> {
  const run = await ctx.store.getRun(id);
  if (run === undefined) throw new AimassError('NOT_FOUND', `no run ${id}`, { runId: id });
  return run;
}

function mustHaveTraining(ctx: ServeContext) {
  if (ctx.training === undefined)
    throw new AimassError(
      'UNAVAILABLE',
      'training is not available on this server (no engine configured)',
      {},
      { retryable: false },
    );
  return ctx.training;
}
