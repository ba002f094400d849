// temporary diagnostics, not committed
import { createFrame, numberColumn, timeColumn } from '../../src/data/frame.ts';
import { loadPredictor } from '../../src/fleet/load-predictor.ts';
import { compilePlan, planFleet } from '../../src/fleet/plan.ts';
import { validateFleetSpec } from '../../src/fleet/spec.ts';
import { meanAbsoluteScaledError } from '../../src/metrics/forecast.ts';
import { trainForecastEntity } from '../../src/train/entity-forecast.ts';
import { drift, naive, seasonalNaive } from './forecast-baselines.ts';
import { readVegaJson } from './vega-datasets.ts';

const which = process.argv[2] ?? 'unemployment';
const H = which === 'gap' ? 2 : 12;
const rows =
  which === 'gap'
    ? readVegaJson<{ country: string; year: number; fertility: number }[]>('gapminder.json').map((r) => ({
        key: r.country,
        t: Date.UTC(r.year, 0, 1),
        v: r.fertility,
      }))
    : readVegaJson<{ series: string; date: string; count: number }[]>(
        'unemployment-across-industries.json',
      ).map((r) => ({ key: r.series, t: Date.parse(r.date), v: r.count }));
const by = new Map<string, { t: number; v: number }[]>();
for (const r of rows) {
  if (!by.has(r.key)) by.set(r.key, []);
  by.get(r.key)?.push(r);
}
const spec = validateFleetSpec({
  name: 'x',
  key: 'k',
  time: 't',
  target: 'y',
  task: 'forecast',
  forecast: { horizon: Number(process.env.HZ ?? 24), seasonPeriod: which === 'gap' ? 1 : 12 },
  budget: { maxTrials: 12, maxMillis: 200 },
});
const plan = compilePlan(
  planFleet(spec, 1, [
    { name: 't', type: 'time' },
    { name: 'y', type: 'number' },
  ]),
);
let sa = 0,
  sd = 0;
for (const [key, list] of by) {
  list.sort((a, b) => a.t - b.t);
  const n = list.length - H;
  const frame = createFrame([
    timeColumn(
      't',
      list.slice(0, n).map((r) => r.t),
    ),
    numberColumn(
      'y',
      list.slice(0, n).map((r) => r.v),
    ),
  ]);
  const res = trainForecastEntity(key, frame, plan, 0);
  const train = Float64Array.from(list.slice(0, n), (r) => r.v);
  const truth = Float64Array.from(list.slice(n), (r) => r.v);
  const p = loadPredictor(res.model.bundle).forecast?.(H) as Float64Array;
  const a = meanAbsoluteScaledError(truth, p, train, 1);
  const d = meanAbsoluteScaledError(truth, drift(train, H), train, 1);
  sa += a;
  sd += d;
  const sn = meanAbsoluteScaledError(truth, seasonalNaive(train, H, 12), train, 1);
  const nv = meanAbsoluteScaledError(truth, naive(train, H), train, 1);
  console.log(
    '   snaive',
    sn.toFixed(2),
    'naive',
    nv.toFixed(2),
    'test-window metrics',
    JSON.stringify(res.model.metrics),
  );
  console.log(
    key.padEnd(36),
    res.model.algorithm.padEnd(22),
    res.decision.reason,
    'mase',
    a.toFixed(2),
    'drift',
    d.toFixed(2),
  );
  if (process.argv[3])
    for (const t of res.trials)
      console.log(
        '   ',
        t.algorithm,
        JSON.stringify(t.params).slice(0, 80),
        t.score.toFixed(2),
        t.error ?? '',
      );
}
console.log('mean', (sa / by.size).toFixed(3), (sd / by.size).toFixed(3));
