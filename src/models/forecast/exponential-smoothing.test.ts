import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../../core/binary.ts';
import { isAimassError } from '../../core/errors.ts';
import { createRng } from '../../core/rng.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { type Fixture, fixtureVector, loadFixture, toleranceFor } from '../../testing/fixtures.ts';
import { exponentialSmoothingForecaster as ets } from './exponential-smoothing.ts';
import {
  holtWintersForward,
  holtWintersGradient,
  holtWintersWork,
  THETA_SEASONS,
} from './holt-winters-kernel.ts';

const rng = () => createRng(1);

function roundTrip<S>(state: S): S {
  const writer = new BinaryWriter();
  ets.encode(state as never, writer);
  const bytes = writer.finish();
  const reader = new BinaryReader(bytes);
  const decoded = ets.decode(reader);
  reader.end();
  const again = new BinaryWriter();
  ets.encode(decoded, again);
  assert.deepEqual(again.finish(), bytes, 'decode -> encode gives the same bytes');
  return decoded as S;
}

/** Fitted values, SSE and the textbook forecast from a fixed-parameter fixture. */
function checkFixed(fixture: Fixture, params: Record<string, unknown>): void {
  const y = fixtureVector(fixture.inputs.y);
  const horizon = fixture.inputs.horizon as number;
  const state = ets.fit(y, params, rng());
  const expected = fixture.expected;
  expectClose(
    ets.fitted!(state),
    expected.fitted_values as number[],
    toleranceFor(fixture, 'fitted_values'),
    'fitted',
  );
  expectClose(state.sse, expected.sse as number, toleranceFor(fixture, 'sse'), 'sse');
  expectClose(
    ets.forecast(state, horizon),
    expected.forecast as number[],
    toleranceFor(fixture, 'forecast'),
    'forecast',
  );
  const decoded = roundTrip(state);
  assert.deepEqual(ets.forecast(decoded, horizon), ets.forecast(state, horizon));
  assert.throws(
    () => ets.fitted!(decoded),
    (e: unknown) => isAimassError(e, 'NOT_FITTED'),
  );
}

test('SES with fixed alpha and known level matches statsmodels (ses-fixed)', () => {
  const f = loadFixture('ses-fixed');
  const p = f.inputs.params as Record<string, number>;
  checkFixed(f, { smoothingLevel: p.smoothing_level, initialLevel: f.inputs.initial_level });
});

test('damped Holt with fixed parameters matches statsmodels (holt-damped-fixed)', () => {
  const f = loadFixture('holt-damped-fixed');
  const p = f.inputs.params as Record<string, number>;
  const params = {
    trend: 'add',
    damped: true,
    smoothingLevel: p.smoothing_level,
    smoothingTrend: p.smoothing_trend,
    dampingTrend: p.damping_trend,
    initialLevel: f.inputs.initial_level,
    initialTrend: f.inputs.initial_trend,
  };
  checkFixed(f, params);
  // The per-step states come from the kernel (the forecaster keeps only the final ones).
  const y = fixtureVector(f.inputs.y);
  const work = holtWintersWork(y.length, 1);
  const theta = Float64Array.of(p.smoothing_level, p.smoothing_trend, 0, p.damping_trend, 10, 0.8, 0);
  holtWintersForward(y, false, 1, theta, work, null);
  expectClose(work.level.subarray(1), f.expected.level as number[], toleranceFor(f, 'level'), 'level');
  expectClose(work.trend.subarray(1), f.expected.trend as number[], toleranceFor(f, 'trend'), 'trend');
});

for (const [name, seasonal] of [
  ['ets-fixed-additive', 'add'],
  ['ets-fixed-multiplicative', 'mul'],
] as const) {
  test(`Holt-Winters ${seasonal} season with fixed parameters matches statsmodels (${name})`, () => {
    const f = loadFixture(name);
    const p = f.inputs.params as Record<string, number>;
    const m = f.inputs.seasonal_periods as number;
    const initialSeasonal = f.inputs.initial_seasonal as number[];
    checkFixed(f, {
      trend: 'add',
      seasonal,
      seasonalPeriods: m,
      smoothingLevel: p.smoothing_level,
      smoothingTrend: p.smoothing_trend,
      smoothingSeasonal: p.smoothing_seasonal,
      initialLevel: f.inputs.initial_level,
      initialTrend: f.inputs.initial_trend,
      initialSeasonal,
    });
    const y = fixtureVector(f.inputs.y);
    const work = holtWintersWork(y.length, m);
    const theta = new Float64Array(THETA_SEASONS + m);
    theta.set([p.smoothing_level, p.smoothing_trend, p.smoothing_seasonal, 1]);
    theta[4] = f.inputs.initial_level as number;
    theta[5] = f.inputs.initial_trend as number;
    theta.set(initialSeasonal, THETA_SEASONS);
    holtWintersForward(y, seasonal === 'mul', m, theta, work, null);
    expectClose(work.level.subarray(1), f.expected.level as number[], toleranceFor(f, 'level'), 'level');
    expectClose(work.trend.subarray(1), f.expected.trend as number[], toleranceFor(f, 'trend'), 'trend');
    expectClose(work.season.subarray(m), f.expected.season as number[], toleranceFor(f, 'season'), 'season');
  });
}

test('the reverse-mode gradient matches central finite differences (additive and multiplicative, damped)', () => {
  const f = loadFixture('ets-fixed-multiplicative');
  const y = fixtureVector(f.inputs.y);
  const m = 12;
  for (const multiplicative of [false, true]) {
    const theta = new Float64Array(THETA_SEASONS + m);
    theta.set([0.3, 0.08, 0.2, 0.93, 50, 0.4]);
    for (let i = 0; i < m; i++)
      theta[THETA_SEASONS + i] = multiplicative ? 1 + 0.05 * Math.sin(i) : 3 * Math.sin(i);
    const work = holtWintersWork(y.length, m);
    const gradient = new Float64Array(theta.length);
    holtWintersGradient(y, multiplicative, m, theta, work, gradient);
    const numeric = new Float64Array(theta.length);
    for (let i = 0; i < theta.length; i++) {
      const h = 1e-6 * Math.max(1, Math.abs(theta[i]));
      const plus = theta.slice();
      const minus = theta.slice();
      plus[i] += h;
      minus[i] -= h;
      numeric[i] =
        (holtWintersForward(y, multiplicative, m, plus, work, null) -
          holtWintersForward(y, multiplicative, m, minus, work, null)) /
        (2 * h);
    }
    expectClose(
      gradient,
      numeric,
      { rtol: 1e-5, atol: 1e-4 },
      multiplicative ? 'mul gradient' : 'add gradient',
    );
  }
});

test('optimised Holt-Winters add/add reaches SSE <= 1.01 x statsmodels (ets-optimized)', () => {
  const f = loadFixture('ets-optimized');
  const y = fixtureVector(f.inputs.y);
  const state = ets.fit(
    y,
    { trend: 'add', seasonal: 'add', seasonalPeriods: f.inputs.seasonal_periods },
    rng(),
  );
  const reference = f.expected.sse as number;
  assert.ok(state.sse <= reference * 1.01, `SSE ${state.sse} > 1.01 x ${reference}`);
  // Sanity check only (the fixture says so): a different optimum may forecast slightly differently.
  expectClose(ets.forecast(state, f.inputs.horizon as number), f.expected.forecast as number[], {
    rtol: 0.05,
    atol: 0.5,
  });
  assert.ok(
    state.alpha >= 0 &&
      state.alpha <= 1 &&
      state.beta <= state.alpha &&
      state.gamma <= 1 - state.alpha + 1e-12,
  );
});

test('fully estimated fits never do worse than the fixtures’ known (feasible) parameters and states', () => {
  // Each fixture's parameters and initial states are one admissible point (beta <= alpha,
  // gamma <= 1 - alpha, phi in [0.8, 0.995]); the optimiser searches a superset, so its SSE must not
  // be higher. Also with the smoothing parameters fixed and only the initial states estimated.
  const cases: [string, Record<string, unknown>, Record<string, string>][] = [
    ['ses-fixed', {}, { smoothingLevel: 'smoothing_level' }],
    [
      'holt-damped-fixed',
      { trend: 'add', damped: true },
      { smoothingLevel: 'smoothing_level', smoothingTrend: 'smoothing_trend', dampingTrend: 'damping_trend' },
    ],
    [
      'ets-fixed-additive',
      { trend: 'add', seasonal: 'add', seasonalPeriods: 12 },
      {
        smoothingLevel: 'smoothing_level',
        smoothingTrend: 'smoothing_trend',
        smoothingSeasonal: 'smoothing_seasonal',
      },
    ],
    [
      'ets-fixed-multiplicative',
      { trend: 'add', seasonal: 'mul', seasonalPeriods: 12 },
      {
        smoothingLevel: 'smoothing_level',
        smoothingTrend: 'smoothing_trend',
        smoothingSeasonal: 'smoothing_seasonal',
      },
    ],
  ];
  for (const [name, form, names] of cases) {
    const f = loadFixture(name);
    const y = fixtureVector(f.inputs.y);
    const reference = f.expected.sse as number;
    const free = ets.fit(y, form, rng());
    assert.ok(free.sse <= reference * (1 + 1e-9), `${name}: estimated SSE ${free.sse} > known ${reference}`);
    const fixed: Record<string, unknown> = { ...form };
    const given = f.inputs.params as Record<string, number>;
    for (const [ours, theirs] of Object.entries(names)) fixed[ours] = given[theirs];
    const statesOnly = ets.fit(y, fixed, rng());
    assert.ok(
      statesOnly.sse <= reference * (1 + 1e-9),
      `${name}: states-only SSE ${statesOnly.sse} > ${reference}`,
    );
    assert.equal(statesOnly.alpha, given.smoothing_level);
    assert.ok(free.sse <= statesOnly.sse * (1 + 1e-6), `${name}: more freedom, higher SSE`);
  }
});

test('lossy codecs (f16, 8-bit) keep a fitted Holt-Winters state decodable and its forecast within 0.5%', () => {
  const f = loadFixture('ets-optimized');
  const y = fixtureVector(f.inputs.y);
  for (const params of [
    { trend: 'add', seasonal: 'add', seasonalPeriods: 12 },
    { trend: 'add', damped: true, seasonal: 'mul', seasonalPeriods: 12 },
  ]) {
    const state = ets.fit(y, params, rng());
    const exact = ets.forecast(state, 24);
    for (const quantize of ['f16', 'i8'] as const) {
      const writer = new BinaryWriter(256, { quantize });
      ets.encode(state, writer);
      const reader = new BinaryReader(writer.finish());
      const decoded = ets.decode(reader);
      reader.end();
      expectClose(ets.forecast(decoded, 24), exact, { rtol: 5e-3 }, `${quantize} ${JSON.stringify(params)}`);
    }
  }
});
