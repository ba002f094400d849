import { AimassError } from '../../core/errors.ts';
import type { ForecastResponse } from '../../serve/index.ts';
import { forecastOutput } from '../../serve/model-output.ts';
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
  notes: [
    "Steps follow the end of the training data at the series' own time step.",
    "LO80/HI80 and LO95/HI95 are prediction intervals from empirical quantiles of the model's rolling-validation and test errors (scaled by the square root of the step).",
  ],
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
      if (served.predictor.forecast === undefined)
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
        ...forecastOutput(served.predictor, horizon),
      };
    }
    if (ctx.json) ctx.emit(output);
    else
      ctx.out(
        `${describeServed(output.model)}\n${formatTable(
          [
            'STEP',
            'FORECAST',
            ...output.intervals.flatMap((b) => [`LO${percent(b.level)}`, `HI${percent(b.level)}`]),
          ],
          output.forecast.map((value, i) => [
            String(i + 1),
            formatNumber(value),
            ...output.intervals.flatMap((b) => [formatNumber(b.lower[i]), formatNumber(b.upper[i])]),
          ]),
        )}`,
      );
    return 0;
  },
});

/** 0.95 → "95". */
function percent(level: number): string {
  return String(Math.round(level * 1000) / 10);
}
