import type { FastifyInstance } from 'fastify';
import { AimassError } from '../../core/errors.ts';
import { validateFleetSpec } from '../../fleet/spec.ts';
import type { Fleet } from '../../store/types.ts';
import type { FleetDetail, FleetList, FleetSpecInput, FleetSummary } from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import {
  errorSchema,
  fleetDetailSchema,
  fleetListSchema,
  fleetParams,
  fleetSpecInputSchema,
} from '../schemas.ts';

/** Fleet routes: create from a spec, list, read, delete. Scope `admin`. */
export function registerFleetRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Body: FleetSpecInput }>(
    '/v1/fleets',
    {
      config: { scope: 'admin', summary: 'Create a fleet from a spec (validated; stored as spec version 1)' },
      schema: { body: fleetSpecInputSchema, response: { 201: fleetDetailSchema, '4xx': errorSchema } },
    },
    async (request, reply): Promise<FleetDetail> => {
      const spec = validateFleetSpec(request.body);
      await ctx.store.createFleet(spec.name);
      const specVersion = await ctx.store.putSpec(spec.name, spec);
      const fleet = await mustGetFleet(ctx, spec.name);
      reply.code(201);
      return { ...summary(fleet), specVersion, spec: spec as unknown as Record<string, unknown> };
    },
  );

  app.get(
    '/v1/fleets',
    {
      config: { scope: 'admin', summary: 'List fleets by name' },
      schema: { response: { 200: fleetListSchema, '4xx': errorSchema } },
    },
    async (): Promise<FleetList> => ({ items: (await ctx.store.listFleets()).map(summary) }),
  );

  app.get<{ Params: { fleet: string } }>(
    '/v1/fleets/:fleet',
    {
      config: { scope: 'admin', summary: 'A fleet and its current spec' },
      schema: { params: fleetParams, response: { 200: fleetDetailSchema, '4xx': errorSchema } },
    },
    async (request): Promise<FleetDetail> => {
      const fleet = await mustGetFleet(ctx, request.params.fleet);
      const spec = await ctx.store.getSpec(fleet.name);
      return { ...summary(fleet), spec: (spec?.spec as Record<string, unknown> | undefined) ?? null };
    },
  );

  app.delete<{ Params: { fleet: string } }>(
    '/v1/fleets/:fleet',
    {
      config: { scope: 'admin', summary: 'Delete a fleet with its data, models and runs' },
      schema: { params: fleetParams, response: { 204: { type: 'null' }, '4xx': errorSchema } },
    },
    async (request, reply) => {
      const { fleet } = request.params;
      if (!(await ctx.store.deleteFleet(fleet)))
        throw new AimassError('FLEET_NOT_FOUND', `no fleet "${fleet}"`, { fleet });
      ctx.cache.invalidate(fleet);
      reply.code(204);
      return null;
    },
  );
}

function summary(fleet: Fleet): FleetSummary {
  return { name: fleet.name, specVersion: fleet.specVersion, createdAt: fleet.createdAt };
}

export async function mustGetFleet(ctx: ServeContext, name: string): Promise<Fleet> {
  const fleet = await ctx.store.getFleet(name);
  if (fleet === undefined) throw new AimassError('FLEET_NOT_FOUND', `no fleet "${name}"`, { fleet: name });
  return fleet;
}
