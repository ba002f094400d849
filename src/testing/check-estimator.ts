import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { createRng } from '../core/rng.ts';
import type { AnyEstimator } from '../models/estimator.ts';

export interface CheckEstimatorOptions {
  /** Params used for every check (small settings keep the suite fast). */
  params?: Record<string, unknown>;
  /** A params object that must be rejected, and the field the error must name. */
  badParams: { params: Record<string, unknown>; field: string }[];
  /** Which task to generate data for. */
  task: 'regression' | 'classification' | 'anomaly' | 'clustering';
  /** Checks this estimator cannot pass, each with the reason (printed as a skip). */
  skip?: Partial<Record<CheckName, string>>;
}

export type CheckName =
  | 'defaults'
  | 'bad-params'
  | 'inputs-unchanged'
  | 'deterministic'
  | 'refit-stable'
  | 'codec-roundtrip'
  | 'one-row'
  | 'one-feature'
  | 'constant-target'
  | 'single-class'
  | 'more-features-than-rows'
  | 'nan-policy'
  | 'out-buffer';

/** Synthetic data: y depends on the first features, plus noise; labels from a threshold. */
export function syntheticData(
  rows: number,
  cols: number,
  task: CheckEstimatorOptions['task'],
  seed = 1,
): { X: Matrix; y: Float64Array } {
  const rng = createRng(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let value = 0;
    for (let j = 0; j < cols; j++) value += (data[i * cols + j] * (j % 2 === 0 ? 1.5 : -0.7)) / (j + 1);
    value += 0.1 * rng.normal();
    y[i] = task === 'classification' ? (value > 0.3 ? 2 : value < -0.6 ? 0 : 1) : 3 + value;
  }
  return { X: { data, rows, cols }, y };
}

function needsTarget(task: CheckEstimatorOptions['task']): boolean {
  return task === 'regression' || task === 'classification';
}

function encodeState(estimator: AnyEstimator, state: unknown): Uint8Array {
  const writer = new BinaryWriter();
  estimator.encode(state, writer);
  return writer.finish();
}

function outputsOf(estimator: AnyEstimator, state: unknown, X: Matrix): Float64Array[] {
  const outputs = [estimator.predict(state, X)];
  if (estimator.predictProba) outputs.push(estimator.predictProba(state, X).data);
  if (estimator.score) outputs.push(estimator.score(state, X));
  return outputs;
}

function assertBitIdentical(a: Float64Array[], b: Float64Array[], what: string): void {
  assert.equal(a.length, b.length);
  for (let k = 0; k < a.length; k++) {
    assert.deepEqual(
      new Uint8Array(a[k].buffer, a[k].byteOffset, a[k].byteLength),
      new Uint8Array(b[k].buffer, b[k].byteOffset, b[k].byteLength),
      `${what} (output ${k})`,
    );
  }
}

function assertAllFinite(values: Float64Array, what: string): void {
  for (let i = 0; i < values.length; i++)
    assert.ok(Number.isFinite(values[i]), `${what}: value ${i} is ${values[i]}`);
}

/**
 * The shared estimator conformance suite: registers one node:test subtest per check. Call it at the
 * top level of a `*.test.ts` file.
 */
export function checkEstimator(estimator: AnyEstimator, options: CheckEstimatorOptions): void {
  const params = options.params ?? {};
  const { task } = options;
  const run = (name: CheckName, body: () => void): void => {
    const reason = options.skip?.[name];
    test(`${estimator.name} conformance: ${name}`, reason ? { skip: reason } : {}, body);
  };
  const fit = (X: Matrix, y: Float64Array | null, seed = 7, p: unknown = params) =>
    estimator.fit(X, needsTarget(task) ? y : null, p, createRng(seed));

  run('defaults', () => {
    const { X, y } = syntheticData(60, 4, task);
    const state = estimator.fit(X, needsTarget(task) ? y : null, undefined, createRng(1));
    assert.equal(estimator.featureCount(state), 4);
    const predictions = estimator.predict(state, X);
    assert.equal(predictions.length, 60);
    assertAllFinite(predictions, 'predictions with default params');
    const resolved = estimator.params();
    assert.ok(Object.isFrozen(resolved), 'resolved params are frozen');
  });

  run('bad-params', () => {
    const { X, y } = syntheticData(20, 3, task);
    for (const bad of options.badParams) {
      assert.throws(
        () => fit(X, y, 1, { ...params, ...bad.params }),
        (error: unknown) => isAimassError(error, 'PARAM_INVALID') && error.context.field === bad.field,
        `params ${JSON.stringify(bad.params)} must be rejected naming "${bad.field}"`,
      );
    }
    assert.throws(
      () => fit(X, y, 1, { ...params, noSuchParam: 1 }),
      (error: unknown) => isAimassError(error, 'PARAM_INVALID'),
    );
  });

  run('inputs-unchanged', () => {
    const { X, y } = syntheticData(50, 4, task);
    const xCopy = X.data.slice();
    const yCopy = y.slice();
    const state = fit(X, y);
    estimator.predict(state, X);
    estimator.predictProba?.(state, X);
    estimator.score?.(state, X);
    assert.deepEqual(X.data, xCopy, 'X unchanged');
    assert.deepEqual(y, yCopy, 'y unchanged');
  });

  run('deterministic', () => {
    const { X, y } = syntheticData(80, 5, task);
    const a = encodeState(estimator, fit(X, y, 11));
    const b = encodeState(estimator, fit(X, y, 11));
    assert.deepEqual(a, b, 'same seed gives the same state bits');
  });

  run('refit-stable', () => {
    const { X, y } = syntheticData(80, 5, task);
    const first = fit(X, y, 3);
    const before = encodeState(estimator, first);
    fit(X, y, 3);
    assert.deepEqual(encodeState(estimator, first), before, 'fitting again does not change an earlier state');
  });

  run('codec-roundtrip', () => {
    const { X, y } = syntheticData(80, 5, task);
    const state = fit(X, y);
    const bytes = encodeState(estimator, state);
    const reader = new BinaryReader(bytes);
    const decoded = estimator.decode(reader);
    reader.end();
    assertBitIdentical(
      outputsOf(estimator, decoded, X),
      outputsOf(estimator, state, X),
      'encode → decode → predict',
    );
    assert.deepEqual(encodeState(estimator, decoded), bytes, 'decode → encode gives the same bytes');
    for (const cut of [0, 1, Math.floor(bytes.length / 2), bytes.length - 1]) {
      assert.throws(
        () => {
          const r = new BinaryReader(bytes.subarray(0, cut));
          estimator.decode(r);
          r.end();
        },
        (error: unknown) => isAimassError(error, 'CODEC_CORRUPT'),
        `truncated at ${cut} bytes`,
      );
    }
  });

  run('out-buffer', () => {
    const { X, y } = syntheticData(30, 3, task);
    const state = fit(X, y);
    const expected = estimator.predict(state, X);
    // A stale buffer: every slot must be overwritten, not only the returned reference right.
    const out = new Float64Array(30).fill(-12345.678);
    const returned = estimator.predict(state, X, out);
    assert.equal(returned, out, 'predict returns the caller buffer');
    for (let i = 0; i < expected.length; i++)
      assert.ok(
        Object.is(out[i], expected[i]),
        `out[${i}] = ${out[i]}, predict without out gives ${expected[i]}`,
      );
  });

  run('one-row', () => {
    const { X, y } = syntheticData(1, 3, task);
    const state = fit(X, y);
    const predictions = estimator.predict(state, X);
    assert.equal(predictions.length, 1);
    assertAllFinite(predictions, 'one-row predictions');
  });

  run('one-feature', () => {
    const { X, y } = syntheticData(40, 1, task);
    const state = fit(X, y);
    assertAllFinite(estimator.predict(state, X), 'one-feature predictions');
  });

  run('constant-target', () => {
    const { X } = syntheticData(40, 3, task);
    const y = new Float64Array(40).fill(task === 'classification' ? 1 : 4.25);
    const state = fit(X, y);
    const predictions = estimator.predict(state, X);
    assertAllFinite(predictions, 'constant-target predictions');
    if (needsTarget(task)) {
      for (const value of predictions)
        assert.ok(Math.abs(value - y[0]) < 1e-6, `constant target predicts ${y[0]}, got ${value}`);
    }
  });

  run('single-class', () => {
    const { X } = syntheticData(30, 3, task);
    const y = new Float64Array(30).fill(5);
    const state = fit(X, y);
    if (estimator.predictProba) {
      const proba = estimator.predictProba(state, X);
      assert.equal(proba.cols, 1);
      for (const p of proba.data) assert.equal(p, 1);
    }
    assert.deepEqual(Array.from(estimator.predict(state, X)), new Array(30).fill(5));
  });

  run('more-features-than-rows', () => {
    const { X, y } = syntheticData(5, 12, task);
    const state = fit(X, y);
    assertAllFinite(estimator.predict(state, X), 'predictions with more features than rows');
  });

  run('nan-policy', () => {
    const { X, y } = syntheticData(40, 3, task);
    const withNaN = { ...X, data: X.data.slice() };
    withNaN.data[5 * 3 + 1] = Number.NaN;
    if (estimator.nanPolicy === 'reject') {
      assert.throws(
        () => fit(withNaN, y),
        (error: unknown) =>
          isAimassError(error, 'DATA_INVALID') && error.context.row === 5 && error.context.column === '1',
      );
      const state = fit(X, y);
      assert.throws(
        () => estimator.predict(state, withNaN),
        (error: unknown) => isAimassError(error, 'DATA_INVALID'),
      );
    } else {
      const state = fit(withNaN, y);
      assertAllFinite(estimator.predict(state, withNaN), 'predictions with NaN handled natively');
    }
    const withInfinity = { ...X, data: X.data.slice() };
    withInfinity.data[2] = Number.POSITIVE_INFINITY;
    assert.throws(
      () => fit(withInfinity, y),
      (error: unknown) => isAimassError(error, 'DATA_INVALID'),
      '±Infinity in X is always rejected',
    );
  });
}
