import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { meanAbsoluteScaledError, symmetricMape } from '../../src/metrics/forecast.ts';
import { aimassCli } from './aimass-cli.ts';
import { drift, naive, seasonalNaive, seriesMean } from './forecast-baselines.ts';
import type { MethodScore, QualityContext, QualityResult, QualityTask } from './types.ts';

/** One observation of a long-format many-series data set. */
export interface Observation {
  readonly key: string;
  /** ISO-8601 time. */
  readonly time: string;
  readonly value: number;
}

export interface ForecastTaskOptions {
  readonly name: string;
  readonly description: string;
  /** Column names in the file aimass reads (as a user's file would have them). */
  readonly columns: { readonly key: string; readonly time: string; readonly target: string };
  /** THE SPLIT RULE: the last `holdout` points of every series are held out and forecast. */
  readonly holdout: number;
  /** Season length of the seasonal-naive baseline (1 = none: it is then naive). */
  readonly season: number;
  load(): Observation[];
}

/**
 * A forecast task: every series is cut at `holdout` points before its end (series with fewer
 * than holdout + 3 points are left out, and counted); aimass gets the training part as one file,
 * the spec `aimass init` writes for it (key, time, target and task given, nothing else), trains
 * and forecasts `holdout` steps per series; the baselines see the same training part. Scores per
 * series, averaged: MASE (scaled by the in-sample one-step naive MAE of the training part, m = 1,
 * so it is defined for short yearly series too) and sMAPE in percent; aimass also reports the
 * share of held-out points inside its 80% and 95% intervals.
 */
export function forecastTask(options: ForecastTaskOptions): QualityTask {
  return {
    name: options.name,
    kind: 'forecast',
    description: options.description,
    evaluate: (context) => evaluate(options, context),
  };
}

async function evaluate(options: ForecastTaskOptions, context: QualityContext): Promise<QualityResult> {
  const h = options.holdout;
  const bySeries = new Map<string, Observation[]>();
  for (const observation of options.load()) {
    if (!Number.isFinite(observation.value)) continue;
    let list = bySeries.get(observation.key);
    if (!list) bySeries.set(observation.key, (list = []));
    list.push(observation);
  }
  const series: { key: string; train: Float64Array; truth: Float64Array; rows: Observation[] }[] = [];
  let dropped = 0;
  for (const [key, list] of [...bySeries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    if (list.length < h + 3) {
      dropped++;
      continue;
    }
    const values = Float64Array.from(list, (o) => o.value);
    series.push({
      key,
      train: values.subarray(0, values.length - h),
      truth: values.subarray(values.length - h),
      rows: list.slice(0, list.length - h),
    });
  }
  if (dropped > 0) context.log(`${options.name}: ${dropped} series shorter than ${h + 3} points left out`);

  const { key, time, target } = options.columns;
  const file = join(context.dir, `${options.name}.csv`);
  const lines = [`${key},${time},${target}`];
  for (const s of series) for (const o of s.rows) lines.push(`${JSON.stringify(s.key)},${o.time},${o.value}`);
  writeFileSync(file, `${lines.join('\n')}\n`);

  const cli = aimassCli(context.dir);
  const specText = await cli.init(file, [
    ...['--key', key, '--time', time, '--target', target, '--task', 'forecast', '--name', options.name],
  ]);
  const season = /seasonPeriod: (\d+)/.exec(specText)?.[1];
  context.log(`${options.name}: ${series.length} series; aimass init wrote seasonPeriod ${season}`);
  await cli.train(file);
  const champions = new Map((await cli.models(options.name)).map((m) => [m.key, m]));

  const methods: Record<string, (train: Float64Array) => Float64Array> = {
    naive: (train) => naive(train, h),
    'seasonal naive': (train) => seasonalNaive(train, h, options.season),
    drift: (train) => drift(train, h),
    'per-entity mean': (train) => seriesMean(train, h),
  };
  const sums: Record<string, { mase: number[]; smape: number[] }> = { aimass: { mase: [], smape: [] } };
  for (const name of Object.keys(methods)) sums[name] = { mase: [], smape: [] };
  const chosen: Record<string, number> = {};
  let inside80 = 0;
  let inside95 = 0;
  let points = 0;
  for (const s of series) {
    const answer = await cli.forecast(options.name, s.key, h);
    const point = Float64Array.from(answer.forecast, (v) => v ?? Number.NaN);
    const record = champions.get(s.key);
    const label = `${record?.algorithm ?? answer.model.algorithm}${record?.fallbackReason ? ` (${record.fallbackReason})` : ''}`;
    chosen[label] = (chosen[label] ?? 0) + 1;
    const score = (name: string, forecast: Float64Array) => {
      sums[name].mase.push(meanAbsoluteScaledError(s.truth, forecast, s.train, 1));
      sums[name].smape.push(symmetricMape(s.truth, forecast));
    };
    score('aimass', point);
    for (const [name, method] of Object.entries(methods)) score(name, method(s.train));
    for (const interval of answer.intervals) {
      let inside = 0;
      for (let k = 0; k < h; k++) {
        const lower = interval.lower[k] ?? Number.NaN;
        const upper = interval.upper[k] ?? Number.NaN;
        if (s.truth[k] >= lower && s.truth[k] <= upper) inside++;
      }
      if (interval.level === 0.8) inside80 += inside;
      if (interval.level === 0.95) inside95 += inside;
    }
    points += h;
  }
  const scores: MethodScore[] = Object.entries(sums).map(([method, values]) => ({
    method,
    scores: {
      mase: finiteMean(values.mase),
      smape: finiteMean(values.smape),
      ...(method === 'aimass' ? { coverage80: inside80 / points, coverage95: inside95 / points } : {}),
    },
  }));
  return { entities: series.length, primary: 'mase', lowerIsBetter: true, methods: scores, chosen };
}

/** Mean of the finite values (MASE is NaN for a constant training series: no scale). */
function finiteMean(values: readonly number[]): number {
  let total = 0;
  let count = 0;
  for (const v of values)
    if (Number.isFinite(v)) {
      total += v;
      count++;
    }
  return count === 0 ? Number.NaN : total / count;
}
