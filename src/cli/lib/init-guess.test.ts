import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seasonForStep } from './init-guess.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

test('season from the time step: hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly 1', () => {
  const cases: [number, number, RegExp][] = [
    [MINUTE, 1440, /minutely/],
    [15 * MINUTE, 96, /15-minute/],
    [HOUR, 24, /hourly data, daily cycle of 24 steps/],
    [DAY, 7, /daily data, weekly cycle of 7 steps/],
    [7 * DAY, 52, /weekly data, yearly cycle of 52 steps/],
    [28 * DAY, 12, /monthly data, yearly cycle of 12 steps/], // February
    [31 * DAY, 12, /monthly/],
    [90 * DAY, 4, /quarterly data, yearly cycle of 4 steps/],
    [92 * DAY, 4, /quarterly/],
    [365 * DAY, 1, /yearly data, no season/],
    [366 * DAY, 1, /yearly/], // leap year
  ];
  for (const [step, period, reason] of cases) {
    const guess = seasonForStep(step);
    assert.equal(guess.period, period, `step ${step} ms`);
    assert.match(guess.reason, reason);
    assert.match(guess.reason, /^guessed from the time step: /);
  }
});

test('an unknown step (5 years, 2 hours, 10 days) assumes no season and says why', () => {
  for (const step of [5 * 365.25 * DAY, 2 * HOUR, 10 * DAY]) {
    const guess = seasonForStep(step);
    assert.equal(guess.period, 1);
    assert.match(guess.reason, /is not a known calendar step, so no season is assumed/);
  }
  assert.match(seasonForStep(10 * DAY).reason, /time step 10\.0 days/);
});
