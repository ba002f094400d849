import { AimassError } from '../../core/errors.ts';
import type { ForecastResponse } from '../../serve/index.ts';
import { toNullableNumbers } from '../../serve/model-output.ts';
import { defineCommand } from '../lib/command.ts';
import { formatNumber, formatTable } from '../lib/format.ts';
import { remoteClient } from '../lib/remote.ts';
import { describeServed, fleetSpec, resolveServed } from '../lib/serving.ts';

export const forecastCommand = defineCommand({
  name: 'forecast',
  summary: 'forecast the next steps of an entity (forecast fleets)',
  usage: 'forecast --fleet NAME --key KEY [--horizon H] [--url URL]',
  remote: true,
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
    key: { type: 'string', value: 'KEY', description: 'entity key (required)' },
    horizon: {
      type: 'string',
      value: 'H',
      description: "steps ahead, 1..100000 (default: the spec's forecast.horizon)",
    },
  },
  notes: ["Steps follow the end of the training data at the series' own time step."],
  examples: [
    'aimass forecast --fleet load --key ser-0000001 --horizon 48',
    'aimass forecast --fleet load --key ser-0000001 --url http://127.0.0.1:8080 --json',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    let horizon = ctx.int('horizon', 1, 100_000);
    let output: ForecastResponse;
    if (ctx.url !== undefined) {
      const client = remoteClient(ctx, ctx.url);
      if (horizon === undefined) {
        const spec = (await client.getFleet(fleet)).spec as { forecast?: { horizon?: number } } | null;
        horizon = spec?.forecast?.horizon ?? 24;
      }
      output = await client.forecast(fleet, key, horizon);
    } else {
      const store = await ctx.openStore({ mustExist: true });
      const { spec } = await fleetSpec(store, fleet);
      horizon ??= spec.forecast.horizon;
      const served = await resolveServed(store, fleet, key);
      const forecast = served.predictor.forecast;
      if (forecast === undefined)
        throw new AimassError(
          'PARAM_INVALID',
          `the model of "${key}" in fleet "${fleet}" is a ${served.predictor.task} model: use aimass predict`,
          { fleet, key, field: 'task' },
        );
      output = {
        key,
        model: {
          key: served.modelKey,
          version: served.version,
          algorithm: served.algorithm,
          fallback: served.fallback,
        },
        forecast: toNullableNumbers(forecast(horizon)),
      };
    }
    if (ctx.json) ctx.emit(output);
    else
      ctx.out(
        `${describeServed(output.model)}\n${formatTable(
          ['STEP', 'FORECAST'],
          output.forecast.map((value, i) => [String(i + 1), formatNumber(value)]),
        )}`,
      );
    return 0;
  },
});
