import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import {
  booleanColumn,
  categoryColumn,
  createFrame,
  type Frame,
  numberColumn,
  numericValues,
} from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { featureScores, featureSelectTransformer, mutualInfoBins } from './feature-select.ts';

const context = { rng: createRng(1) };

/** Fixture X (row-major nested lists, null = NaN) as a frame of number columns x0..x{n-1}. */
function frameFromRows(rows: (number | null)[][]): Frame {
  const columns = [];
  for (let j = 0; j < rows[0].length; j++)
    columns.push(
      numberColumn(
        `x${j}`,
        rows.map((r) => r[j]),
      ),
    );
  return createFrame(columns);
}

const badParams = [
  { params: { method: 'chi2' }, field: 'method' },
  { params: { threshold: -0.1 }, field: 'threshold' },
  { params: { k: 0 }, field: 'k' },
  { params: { k: 1.5 }, field: 'k' },
  { params: { dropCollinear: 0 }, field: 'dropCollinear' },
  { params: { dropCollinear: 1.2 }, field: 'dropCollinear' },
];
checkTransformer(featureSelectTransformer, { context: { target: 'y' }, badParams, infinity: 'pass-through' });
checkTransformer(featureSelectTransformer, {
  params: { method: 'correlation', k: 2, dropCollinear: 0.95 },
  context: { target: 'y' },
  badParams,
  infinity: 'pass-through',
});
checkTransformer(featureSelectTransformer, {
  params: { method: 'mutual-info', k: 1 },
  context: { target: 'y' },
  badParams,
  infinity: 'pass-through',
});

test('feature-select variance matches sklearn VarianceThreshold (variance-threshold.json)', () => {
  const fixture = loadFixture('variance-threshold');
  const frame = frameFromRows(fixture.inputs.X as number[][]);
  const names = frame.columns.map((c) => c.name);
  const e = fixture.expected;
  const threshold = (fixture.inputs.params as { threshold: number }).threshold;
  expectClose(
    featureScores(frame, names, 'variance', undefined),
    e.variances_ as number[],
    toleranceFor(fixture, 'variances_'),
    'variances_',
  );
  const state = featureSelectTransformer.fit(frame, { method: 'variance', threshold }, context);
  assert.deepEqual(
    names.map((n) => state.kept.includes(n)),
    e.support,
  );
  const kept = (e.kept_indices as number[]).map((j) => `x${j}`);
  assert.deepEqual(state.kept, kept);
  const out = featureSelectTransformer.transform(state, frame);
  assert.deepEqual(
    out.columns.map((c) => c.name),
    kept,
  );
  const rows = e.X_transformed as number[][];
  kept.forEach((name, k) => {
    assert.deepEqual(
      [...numericValues(out, name)],
      rows.map((r) => r[k]),
      name,
    );
  });
});

/** y = 1..n; columns with decreasing, known dependence on y. */
function supervisedFrame(n = 200): Frame {
  const rng = createRng(42);
  const y = new Float64Array(n);
  const strong = new Float64Array(n);
  const medium = new Float64Array(n);
  const weak = new Float64Array(n);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i;
    strong[i] = i + rng.normal() * 5;
    medium[i] = -i + rng.normal() * 40; // negative: ranked by |r|
    weak[i] = i + rng.normal() * 150;
    noise[i] = rng.normal();
  }
  return createFrame([
    numberColumn('noise', noise),
    numberColumn('weak', weak),
    numberColumn('medium', medium),
    numberColumn('strong', strong),
    categoryColumn(
      'site',
      Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b')),
    ),
    numberColumn('y', y),
  ]);
}

test('feature-select: top-k by |r| and by mutual information keeps the strongest, in frame order', () => {
  const frame = supervisedFrame();
  const names = ['noise', 'weak', 'medium', 'strong'];
  for (const method of ['correlation', 'mutual-info'] as const) {
    const scores = featureScores(frame, names, method, 'y');
    assert.ok(
      scores[3] > scores[2] && scores[2] > scores[1] && scores[1] > scores[0],
      `${method}: ${scores}`,
    );
    const ctx = { ...context, target: 'y' };
    const two = featureSelectTransformer.fit(frame, { method, k: 2 }, ctx);
    assert.deepEqual(two.kept, ['medium', 'strong'], method);
    assert.deepEqual(two.dropped, ['noise', 'weak'], method);
    const out = featureSelectTransformer.transform(two, frame);
    assert.deepEqual(
      out.columns.map((c) => c.name),
      ['medium', 'strong', 'site', 'y'],
      'unknown and target columns untouched',
    );
    assert.equal(out.columns[0], frame.columns[2], 'values shared, not copied');
    const one = featureSelectTransformer.fit(frame, { method, k: 1 }, ctx);
    assert.deepEqual(one.kept, ['strong'], method);
  }
  // Threshold on |r|: weak (r ≈ 0.36) passes 0.3, noise does not.
  const r = featureScores(frame, names, 'correlation', 'y');
  const byThreshold = featureSelectTransformer.fit(
    frame,
    { method: 'correlation', threshold: 0.3 },
    {
      ...context,
      target: 'y',
    },
  );
  assert.deepEqual(
    byThreshold.kept,
    names.filter((_, j) => r[j] > 0.3),
  );
  assert.ok(byThreshold.kept.includes('weak') && !byThreshold.kept.includes('noise'), `${r}`);
});

test('feature-select: dropCollinear drops the less relevant of a pair, or the later one unsupervised', () => {
  const n = 100;
  const rng = createRng(7);
  const y = Float64Array.from({ length: n }, (_, i) => i);
  const a = Float64Array.from(y, (v) => v + rng.normal() * 3);
  const echo = Float64Array.from(a, (v) => 2 * v + 1 + rng.normal() * 10); // r(a, echo) ≈ 0.985
  const other = Float64Array.from({ length: n }, () => rng.normal());
  const frame = createFrame([
    numberColumn('echo', echo),
    numberColumn('a', a),
    numberColumn('other', other),
    numberColumn('y', y),
  ]);
  const scores = featureScores(frame, ['echo', 'a'], 'correlation', 'y');
  assert.ok(scores[1] > scores[0], 'a is more correlated with y than its noisy echo');
  const supervised = featureSelectTransformer.fit(
    frame,
    { method: 'correlation', dropCollinear: 0.95 },
    {
      ...context,
      target: 'y',
    },
  );
  assert.deepEqual(supervised.kept, ['a', 'other']);
  assert.deepEqual(supervised.dropped, ['echo']);
  const unsupervised = featureSelectTransformer.fit(frame, { dropCollinear: 0.95 }, context);
  // Without a target in the context, y is just another column: collinear with echo, later, dropped.
  assert.deepEqual(unsupervised.kept, ['echo', 'other']);
  assert.deepEqual(unsupervised.dropped, ['a', 'y']);
  const loose = featureSelectTransformer.fit(frame, { dropCollinear: 1 }, context);
  assert.deepEqual(loose.dropped, []);
});

test('feature-select: category and boolean targets, missing target rows skipped', () => {
  const n = 120;
  const rng = createRng(3);
  const labels: (string | null)[] = [];
  const flags: (boolean | null)[] = [];
  const signal = new Float64Array(n);
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 3;
    labels.push(i === 5 ? null : ['lo', 'mid', 'hi'][cls]);
    flags.push(i === 6 ? null : cls === 2);
    signal[i] = cls * 2 + rng.normal() * 0.5;
    noise[i] = rng.normal();
  }
  const frame = createFrame([
    numberColumn('noise', noise),
    numberColumn('signal', signal),
    categoryColumn('label', labels),
    booleanColumn('flag', flags),
  ]);
  for (const target of ['label', 'flag']) {
    for (const method of ['correlation', 'mutual-info'] as const) {
      const state = featureSelectTransformer.fit(frame, { method, k: 1 }, { ...context, target });
      assert.deepEqual(state.kept, ['signal'], `${method} with ${target}`);
      const scores = featureScores(frame, ['noise', 'signal'], method, target);
      assert.ok(
        scores.every((s) => Number.isFinite(s) && s >= 0 && s <= (method === 'correlation' ? 1 : 10)),
      );
    }
  }
});

test('feature-select: supervised methods need a target; constant and empty columns score 0', () => {
  const frame = createFrame([
    numberColumn('c', [2, 2, 2, 2]),
    numberColumn('m', [null, null, null, null]),
    numberColumn('y', [1, 2, 3, 4]),
  ]);
  assert.throws(
    () => featureSelectTransformer.fit(frame, { method: 'correlation' }, context),
    (error: unknown) => isAimassError(error, 'PARAM_INVALID') && error.context.field === 'method',
  );
  for (const method of ['variance', 'correlation', 'mutual-info'] as const)
    assert.deepEqual([...featureScores(frame, ['c', 'm'], method, 'y')], [0, 0], method);
  const state = featureSelectTransformer.fit(frame, { method: 'mutual-info' }, { ...context, target: 'y' });
  assert.deepEqual(state.kept, [], 'every candidate may be dropped');
  const partial = createFrame([numberColumn('y', [5]), numberColumn('extra', [1])]);
  assert.deepEqual(
    featureSelectTransformer.transform(state, partial).columns.map((c) => c.name),
    ['y', 'extra'],
    'absent dropped columns are fine',
  );
});

test('feature-select: mutual-info bins grow with the row count and stay in [2, 10]', () => {
  assert.deepEqual([1, 20, 45, 80, 320, 400, 10_000].map(mutualInfoBins), [2, 2, 3, 4, 8, 8, 10]);
});
