import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { planFleet } from './plan.ts';
import { parseFleetSpecText, validateFleetSpec } from './spec.ts';

const minimal = { name: 'turbines', key: 'device_id', time: 'ts', target: 'target_reg', task: 'regression' };

test('spec: defaults applied in one place', () => {
  const spec = validateFleetSpec(minimal);
  assert.equal(spec.features, 'auto');
  assert.equal(spec.candidates, 'auto');
  assert.equal(spec.metric, 'rmse');
  assert.deepEqual(spec.split, { method: 'time', validation: 0.2, test: 0.2, seed: 1 });
  assert.equal(spec.minRows, 30);
  assert.deepEqual(spec.fallback, {
    global: true,
    clusters: 0,
    budget: { maxTrials: 4, maxMillis: 600_000 },
  });
  // Trials decide; the time cap is a safety net far above a normal entity's search.
  assert.deepEqual(spec.budget, { maxTrials: 12, maxMillis: 60_000 });
  assert.deepEqual(spec.preprocess, { steps: [] });
  assert.equal(validateFleetSpec({ ...minimal, time: null }).split.method, 'random');
  assert.equal(validateFleetSpec({ ...minimal, task: 'classification', target: 'c' }).metric, 'accuracy');
  assert.equal(validateFleetSpec({ ...minimal, task: 'anomaly', target: undefined }).target, null);
});

test('spec: candidates, search spaces and pipeline steps parse', () => {
  const spec = validateFleetSpec({
    ...minimal,
    preprocess: ['clean', { step: 'impute', params: { strategy: 'median' } }],
    candidates: [
      'ridge',
      {
        algorithm: 'hist-gradient-boosting',
        params: { maxIter: 50 },
        search: { learningRate: { min: 0.01, max: 0.3, log: true }, maxLeafNodes: [15, 31] },
      },
    ],
  });
  assert.deepEqual(spec.preprocess.steps, [
    { step: 'clean' },
    { step: 'impute', params: { strategy: 'median' } },
  ]);
  assert.ok(Array.isArray(spec.candidates));
  assert.equal(spec.candidates[1].algorithm, 'hist-gradient-boosting');
  assert.deepEqual(spec.candidates[1].search.maxLeafNodes, [15, 31]);
});

test('spec: each bad field is named by its path', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...minimal, name: 'bad/name' }, 'name'],
    [{ ...minimal, task: 'magic' }, 'task'],
    [{ ...minimal, key: undefined }, 'key'],
    [{ ...minimal, target: undefined }, 'target'],
    [{ ...minimal, split: { validation: 0.6, test: 0.5 } }, 'split.test'],
    [{ ...minimal, split: { method: 'stratified' } }, 'split.method'],
    [{ ...minimal, budget: { maxTrials: 0 } }, 'budget.maxTrials'],
    [
      { ...minimal, candidates: [{ algorithm: 'ridge', search: { alpha: { min: 0, max: 1, log: true } } }] },
      'candidates[0].search.alpha.min',
    ],
    [{ ...minimal, candidates: [{ algorithm: 'ridge', params: 3 }] }, 'candidates[0].params'],
    [{ ...minimal, preprocess: [{ step: 'impute', parms: {} }] }, 'preprocess.steps[0].parms'],
    [{ ...minimal, features: ['f1', 'target_reg'] }, 'features'],
    [{ ...minimal, unknown: 1 }, 'unknown'],
    [{ ...minimal, task: 'forecast', time: null }, 'time'],
    [{ ...minimal, compression: 'zip' }, 'compression'],
    [{ ...minimal, fallback: { clusters: 2.5 } }, 'fallback.clusters'],
    [{ ...minimal, fallback: { budget: { maxTrials: 0 } } }, 'fallback.budget.maxTrials'],
    [{ ...minimal, fallback: { budget: { seconds: 3 } } }, 'fallback.budget.seconds'],
    [{ ...minimal, budget: { maxMillis: 0 } }, 'budget.maxMillis'],
  ];
  for (const [input, field] of cases) {
    assert.throws(
      () => validateFleetSpec(input),
      (e: unknown) =>
        isAimassError(e, 'SPEC_INVALID') && e.context.field === field && e.message.includes(field),
      `expected an error naming ${field}`,
    );
  }
});

test('spec: YAML and JSON text; syntax errors name the file', () => {
  const yaml =
    'name: turbines\nkey: device_id\ntime: ts\ntarget: target_reg\ntask: regression\nbudget:\n  maxTrials: 5\n';
  assert.equal(parseFleetSpecText(yaml).budget.maxTrials, 5);
  assert.equal(parseFleetSpecText(JSON.stringify(minimal)).name, 'turbines');
  assert.throws(
    () => parseFleetSpecText('{"name": ', 'fleet.json'),
    (e: unknown) => isAimassError(e, 'SPEC_INVALID') && e.message.includes('fleet.json'),
  );
});

test('plan: a string-valued target is a classification target; for other tasks it is rejected up front', () => {
  const spec = validateFleetSpec({ ...minimal, task: 'regression', target: 'status' });
  const columns = [
    { name: 'device_id', type: 'category' as const },
    { name: 'ts', type: 'time' as const },
    { name: 'f1', type: 'number' as const },
    { name: 'status', type: 'category' as const },
  ];
  assert.throws(
    () => planFleet(spec, 1, columns),
    (e: unknown) =>
      isAimassError(e, 'SPEC_INVALID') &&
      e.context.field === 'target' &&
      /string labels need task: classification/.test((e as Error).message),
  );
  const labelled = validateFleetSpec({ ...minimal, task: 'classification', target: 'status' });
  assert.deepEqual(
    planFleet(labelled, 1, columns).inputColumns.map((c) => c.name),
    ['f1'],
  );
  const numeric = columns.map((c) => (c.name === 'status' ? { ...c, type: 'number' as const } : c));
  assert.deepEqual(
    planFleet(spec, 1, numeric).inputColumns.map((c) => c.name),
    ['f1'],
  );
});
