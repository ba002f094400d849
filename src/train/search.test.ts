import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import type { CandidateSpec } from '../fleet/spec.ts';
import { planTrials, runTrials, type Trial } from './search.ts';

const costs = (algorithm: string) =>
  algorithm === 'ridge' ? { cost: 1 } : { cost: 50, costParams: ['maxIter'] };
const candidates: CandidateSpec[] = [
  {
    algorithm: 'hgb',
    params: { learningRate: 0.1 },
    search: { maxIter: { min: 20, max: 200, integer: true }, maxLeafNodes: [15, 31, 63] },
  },
  { algorithm: 'ridge', params: {}, search: { alpha: { min: 0.01, max: 100, log: true } } },
];

test('search: low-cost starts first, cheapest algorithm first, then samples within the spaces', () => {
  const trials = planTrials(candidates, costs, 10, createRng(1));
  assert.equal(trials.length, 10);
  assert.deepEqual(
    trials.slice(0, 2).map((t) => [t.algorithm, t.initial]),
    [
      ['ridge', true],
      ['hgb', true],
    ],
  );
  assert.equal(trials[1].params.maxIter, 20, 'cost param starts at its minimum');
  assert.equal(trials[1].params.maxLeafNodes, 15);
  assert.equal(trials[0].params.alpha, 0.01);
  for (const trial of trials.slice(2)) {
    assert.equal(trial.initial, false);
    if (trial.algorithm === 'ridge')
      assert.ok((trial.params.alpha as number) >= 0.01 && (trial.params.alpha as number) <= 100);
    else {
      assert.ok(
        Number.isInteger(trial.params.maxIter) &&
          (trial.params.maxIter as number) >= 20 &&
          (trial.params.maxIter as number) <= 200,
      );
      assert.ok([15, 31, 63].includes(trial.params.maxLeafNodes as number));
      assert.equal(trial.params.learningRate, 0.1, 'fixed params are kept');
    }
  }
  const sampledCosts = trials.slice(2).map((t) => t.cost);
  assert.deepEqual(
    sampledCosts,
    [...sampledCosts].sort((a, b) => a - b),
    'samples ordered by cost',
  );
  assert.deepEqual(planTrials(candidates, costs, 10, createRng(1)), trials, 'same seed, same plan');
});

test('search: budget smaller than the candidates keeps the cheapest; no duplicates', () => {
  assert.deepEqual(
    planTrials(candidates, costs, 1, createRng(1)).map((t) => t.algorithm),
    ['ridge'],
  );
  const fixed: CandidateSpec[] = [{ algorithm: 'ridge', params: {}, search: { alpha: [1, 10] } }];
  const trials = planTrials(fixed, costs, 10, createRng(2));
  assert.equal(trials.length, 2, 'a two-value space gives two distinct trials');
  assert.notDeepEqual(trials[0].params, trials[1].params);
});

test('search: successive halving runs sampled iterative configs at a third first, promotes the better half', () => {
  const trials = planTrials(candidates, costs, 10, createRng(4)).map((t) => ({
    ...t,
    algorithm: t.algorithm === 'hgb' ? 'hist-gradient-boosting' : t.algorithm,
  }));
  const evaluated: Trial[] = [];
  // Lower is better; score favours more leaves so the promoted half is predictable.
  const score = (t: Trial) =>
    t.algorithm === 'ridge'
      ? 5
      : 10 - (t.params.maxLeafNodes as number) / 10 - (t.params.maxIter as number) / 1000;
  const results = runTrials(
    trials,
    (t) => {
      evaluated.push(t);
      return score(t);
    },
    (a, b) => a < b,
    () => false,
  );
  const sampledHgb = trials.filter((t) => !t.initial && t.algorithm === 'hist-gradient-boosting');
  assert.ok(sampledHgb.length >= 2, 'the plan has sampled boosting configs');
  const reduced = evaluated.filter(
    (t) =>
      t.algorithm === 'hist-gradient-boosting' &&
      sampledHgb.some(
        (s) =>
          s.params.maxLeafNodes === t.params.maxLeafNodes &&
          Math.round((s.params.maxIter as number) / 3) === t.params.maxIter,
      ),
  );
  assert.equal(
    reduced.length >= sampledHgb.length,
    true,
    'each sampled config first ran at a third of its iterations',
  );
  const full = evaluated.filter((t) => sampledHgb.includes(t));
  assert.equal(full.length, Math.ceil(sampledHgb.length / 2), 'half of them are promoted to the full budget');
  const bestReduced = Math.min(
    ...sampledHgb.map((t) =>
      score({ ...t, params: { ...t.params, maxIter: Math.round((t.params.maxIter as number) / 3) } }),
    ),
  );
  assert.ok(
    full.some(
      (t) =>
        Math.abs(
          score({ ...t, params: { ...t.params, maxIter: Math.round((t.params.maxIter as number) / 3) } }) -
            bestReduced,
        ) < 1e-12,
    ),
    'the best rung-0 config was promoted',
  );
  assert.equal(results.length, evaluated.length);
  assert.equal(
    runTrials(
      trials,
      () => 1,
      (a, b) => a < b,
      () => true,
    ).length,
    0,
    'stop() before anything runs nothing',
  );
});
