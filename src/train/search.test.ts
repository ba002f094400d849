import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../core/rng.ts';
import { planTrials } from './search.ts';
import type { CandidateSpec } from './spec.ts';

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
