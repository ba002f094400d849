import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { matrixFromRows } from '../core/matrix.ts';
import { createRng } from '../core/rng.ts';
import { checkEstimator } from '../testing/check-estimator.ts';
import { expectClose } from '../testing/expect-close.ts';
import { fixtureMatrix, loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { kmeansEstimator } from './kmeans.ts';

checkEstimator(kmeansEstimator, {
  params: { nClusters: 3, nInit: 2 },
  badParams: [
    { params: { nClusters: 0 }, field: 'nClusters' },
    { params: { nInit: 1.5 }, field: 'nInit' },
    { params: { tol: -1 }, field: 'tol' },
    { params: { initCenters: [[0, 0]] }, field: 'initCenters' },
  ],
  task: 'clustering',
  skip: { 'single-class': 'clustering: predict returns cluster indices, not training labels' },
});

test('kmeans with fixed initial centres matches sklearn (kmeans.json)', () => {
  const fixture = loadFixture('kmeans');
  const X = fixtureMatrix(fixture.inputs.X);
  const params = fixture.inputs.params as { n_clusters: number; max_iter: number; tol: number };
  const state = kmeansEstimator.fit(
    X,
    null,
    {
      nClusters: params.n_clusters,
      maxIter: params.max_iter,
      tol: params.tol,
      initCenters: fixture.inputs.init_centers,
    },
    createRng(0),
  );
  const e = fixture.expected;
  expectClose(
    state.centers,
    e.cluster_centers_ as number[][],
    toleranceFor(fixture, 'cluster_centers_'),
    'centres',
  );
  expectClose(state.inertia, e.inertia_ as number, toleranceFor(fixture, 'inertia_'), 'inertia');
  assert.deepEqual(Array.from(kmeansEstimator.predict(state, X)), e.labels_, 'training labels');
  assert.deepEqual(
    Array.from(kmeansEstimator.predict(state, fixtureMatrix(fixture.inputs.X_test))),
    e.predict_test,
    'predict',
  );
  assert.equal(state.iterations, e.n_iter_, "sklearn's n_iter_ convention");
});

test('k-means++ finds well separated blobs and is seed-deterministic', () => {
  const rng = createRng(3);
  const rows: number[][] = [];
  const centres = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  for (let i = 0; i < 90; i++) {
    const c = centres[i % 3];
    rows.push([c[0] + 0.3 * rng.normal(), c[1] + 0.3 * rng.normal()]);
  }
  const X = matrixFromRows(rows);
  const state = kmeansEstimator.fit(X, null, { nClusters: 3 }, createRng(11));
  const labels = kmeansEstimator.predict(state, X);
  for (let i = 3; i < 90; i++) assert.equal(labels[i], labels[i % 3], `row ${i} joins its blob`);
  assert.ok(state.inertia < 90 * 0.3 * 0.3 * 2 * 2, `inertia ${state.inertia}`);
  const again = kmeansEstimator.fit(X, null, { nClusters: 3 }, createRng(11));
  assert.deepEqual(again.centers, state.centers);
});

test('more clusters than distinct points: k capped at rows, duplicates relocated, finite state', () => {
  const X = matrixFromRows([
    [1, 1],
    [1, 1],
    [5, 5],
  ]);
  const state = kmeansEstimator.fit(X, null, { nClusters: 8 }, createRng(1));
  assert.equal(state.centers.length, 3 * 2);
  assert.equal(state.inertia, 0);
  assert.ok(state.centers.every(Number.isFinite));
});

test('initCenters must match the feature count', () => {
  assert.throws(
    () =>
      kmeansEstimator.fit(
        matrixFromRows([[1, 2, 3]]),
        null,
        { nClusters: 1, initCenters: [[0, 0]] },
        createRng(0),
      ),
    (error: unknown) => isAimassError(error, 'PARAM_INVALID') && error.context.field === 'initCenters',
  );
});

test('zero features: one cluster of everything, codec round trip', async () => {
  const { BinaryReader, BinaryWriter } = await import('../core/binary.ts');
  const X = { data: new Float64Array(0), rows: 4, cols: 0 };
  const state = kmeansEstimator.fit(X, null, { nClusters: 2 }, createRng(0));
  const writer = new BinaryWriter();
  kmeansEstimator.encode(state, writer);
  const decoded = kmeansEstimator.decode(new BinaryReader(writer.finish()));
  assert.equal(decoded.clusters, 2);
  assert.deepEqual(Array.from(kmeansEstimator.predict(decoded, X)), [0, 0, 0, 0]);
});
