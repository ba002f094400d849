import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { metricByName } from '../metrics/registry.ts';
import { getForecaster } from '../models/registry.ts';
import { expectClose } from '../testing/expect-close.ts';
import {
  chooseForecaster,
  forecastLayout,
  type Scored,
  type Validation,
  validateForecaster,
} from './forecast-validation.ts';

test('layout: full with room for the horizon, short otherwise (a 9-point series: windows of 2, 2 origins)', () => {
  // 110 monthly points, h 24, season 12: origins = floor((110 - 24 - 24) / 24) = 2.
  assert.deepEqual(forecastLayout(110, 24, 12, 10), { kind: 'full', window: 24, origins: 2 });
  assert.deepEqual(forecastLayout(600, 24, 24, 10), { kind: 'full', window: 24, origins: 3 });
  // Under minRows: short, whatever the length.
  assert.equal(forecastLayout(600, 24, 24, 1000).kind, 'short');
  assert.deepEqual(forecastLayout(9, 24, 1, 10), { kind: 'short', window: 2, origins: 2 });
  assert.deepEqual(forecastLayout(5, 24, 1, 10), { kind: 'short', window: 1, origins: 1 });
  assert.deepEqual(forecastLayout(4, 24, 1, 10), { kind: 'short', window: 1, origins: 0 });
  assert.deepEqual(forecastLayout(1, 24, 1, 10), { kind: 'short', window: 1, origins: 0 });
  // The shortest fit of a short layout keeps 3 points: 9 - 2 (window 0) - 2 * 2 (origins) = 3.
});

test('rolling validation: window 0 is the latest; served and held-back means; residuals per step', () => {
  // y = t²: naive's error at step k after fitting on t < e is (e + k - 1)² - (e - 1)².
  const y = Float64Array.from({ length: 9 }, (_, t) => t * t);
  const mae = metricByName('mae');
  const layout = { kind: 'short' as const, window: 2, origins: 2 };
  const v = validateForecaster(getForecaster('naive'), {}, y, layout, mae, 1, createRng(1));
  // Windows end at 9, 7, 5: fits on 7, 5 and 3 points.
  const expected = [
    [49 - 36, 64 - 36],
    [25 - 16, 36 - 16],
    [9 - 4, 16 - 4],
  ];
  expectClose(v.residuals, expected.flat());
  assert.deepEqual(Array.from(v.steps), [1, 2, 1, 2, 1, 2]);
  expectClose(
    v.perWindow,
    expected.map(([a, b]) => (a + b) / 2),
  );
  expectClose(v.score, (v.perWindow[0] + v.perWindow[1]) / 2);
  expectClose(v.heldBackScore, (v.perWindow[1] + v.perWindow[2]) / 2);
});

function fake(name: string, score: number, heldBack = score): Scored {
  const validation: Validation = {
    score,
    heldBackScore: heldBack,
    perWindow: new Float64Array(0),
    residuals: new Float64Array(0),
    steps: new Int32Array(0),
  };
  return { forecaster: { ...getForecaster('naive'), name }, params: {}, validation };
}

test('selection: a complex model wins only when it is better over more than one origin', () => {
  const simple = (name: string) => name === 'naive' || name === 'drift';
  const lower = (a: number, b: number) => a < b;
  const byScore = (v: Validation) => v.score;
  const candidates = [fake('naive', 10), fake('drift', 8), fake('auto-ets', 5)];
  assert.equal(chooseForecaster(candidates, simple, 2, byScore, lower)?.forecaster.name, 'auto-ets');
  // One origin: the complex model's better score could be luck; the best simple one serves.
  assert.equal(chooseForecaster(candidates, simple, 1, byScore, lower)?.forecaster.name, 'drift');
  // A tie goes to the simple model.
  const tie = [fake('drift', 5), fake('auto-ets', 5)];
  assert.equal(chooseForecaster(tie, simple, 3, byScore, lower)?.forecaster.name, 'drift');
  // The held-back choice reads the other mean.
  const split = [fake('drift', 8, 4), fake('auto-ets', 5, 6)];
  assert.equal(chooseForecaster(split, simple, 2, byScore, lower)?.forecaster.name, 'auto-ets');
  assert.equal(chooseForecaster(split, simple, 2, (v) => v.heldBackScore, lower)?.forecaster.name, 'drift');
  // Only complex candidates and one origin: nothing to choose (the caller falls back to naive).
  assert.equal(chooseForecaster([fake('auto-ets', 1)], simple, 1, byScore, lower), null);
  assert.equal(chooseForecaster([], simple, 3, byScore, lower), null);
});
