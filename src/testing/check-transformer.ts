import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { type Column, categoryColumn, createFrame, type Frame, numberColumn } from '../data/frame.ts';
import type { AnyTransformer, FitContext } from '../preprocess/transformer.ts';

export type TransformerCheck =
  | 'defaults'
  | 'bad-params'
  | 'input-unchanged'
  | 'deterministic'
  | 'codec-roundtrip'
  | 'one-row'
  | 'constant-column'
  | 'all-missing-column'
  | 'non-finite'
  | 'row-equals-batch';

export interface CheckTransformerOptions {
  params?: Record<string, unknown>;
  badParams: { params: Record<string, unknown>; field: string }[];
  /** Builds the training frame; `rows` may be 1. Defaults to `syntheticFrame`. */
  frame?: (rows: number, seed: number) => Frame;
  context?: Omit<FitContext, 'rng'>;
  /** What the transformer does with ±Infinity: documented per transformer, asserted here. */
  infinity: 'pass-through' | 'treated-as-missing' | 'rejected' | 'not-applicable';
  skip?: Partial<Record<TransformerCheck, string>>;
}

/** Numeric columns x1..x3 (x3 with ~10% missing), a category column `c` and a target `y`. */
export function syntheticFrame(rows: number, seed: number): Frame {
  const rng = createRng(seed);
  const x1 = new Float64Array(rows);
  const x2 = new Float64Array(rows);
  const x3 = new Float64Array(rows);
  const y = new Float64Array(rows);
  const c: (string | null)[] = [];
  const labels = ['red', 'green', 'blue', 'cyan'];
  for (let i = 0; i < rows; i++) {
    x1[i] = rng.normal() * 3 + 10;
    x2[i] = rng.next() * 100;
    x3[i] = rng.next() < 0.1 ? Number.NaN : rng.normal();
    y[i] = 2 * x1[i] - 0.1 * x2[i] + rng.normal();
    c.push(rng.next() < 0.05 ? null : labels[rng.int(labels.length)]);
  }
  return createFrame([
    numberColumn('x1', x1),
    numberColumn('x2', x2),
    numberColumn('x3', x3),
    categoryColumn('c', c),
    numberColumn('y', y),
  ]);
}

/** Exact equality of two frames: names, types, dictionaries and every bit of every value. */
export function assertFramesIdentical(actual: Frame, expected: Frame, what = 'frame'): void {
  assert.equal(actual.rowCount, expected.rowCount, `${what}: row count`);
  assert.deepEqual(
    actual.columns.map((c) => `${c.name}:${c.type}`),
    expected.columns.map((c) => `${c.name}:${c.type}`),
    `${what}: columns`,
  );
  for (let k = 0; k < expected.columns.length; k++) {
    const a = actual.columns[k];
    const e = expected.columns[k];
    if (e.type === 'category' && a.type === 'category') {
      const decode = (col: typeof e) =>
        Array.from(col.codes, (code) => (code < 0 ? null : col.dictionary[code]));
      assert.deepEqual(decode(a), decode(e), `${what}: column ${e.name}`);
    } else if (a.type !== 'category' && e.type !== 'category') {
      const bytes = (col: Exclude<Column, { type: 'category' }>) =>
        new Uint8Array(col.values.buffer, col.values.byteOffset, col.values.byteLength);
      assert.deepEqual(bytes(a), bytes(e), `${what}: column ${e.name}`);
    }
  }
}

function snapshot(frame: Frame): unknown {
  return frame.columns.map((c) =>
    c.type === 'category' ? [c.name, Array.from(c.codes), [...c.dictionary]] : [c.name, Array.from(c.values)],
  );
}

function roundTrip(transformer: AnyTransformer, state: unknown): { state: unknown; bytes: Uint8Array } {
  const writer = new BinaryWriter();
  transformer.encode(state, writer);
  const bytes = writer.finish();
  const reader = new BinaryReader(bytes);
  const decoded = transformer.decode(reader);
  reader.end();
  return { state: decoded, bytes };
}

function replaceColumn(frame: Frame, name: string, values: Float64Array): Frame {
  return createFrame(frame.columns.map((c) => (c.name === name ? numberColumn(name, values) : c)));
}

/** The shared transformer conformance suite: one node:test per check. */
export function checkTransformer(transformer: AnyTransformer, options: CheckTransformerOptions): void {
  const params = options.params ?? {};
  const makeFrame = options.frame ?? syntheticFrame;
  const context = (seed = 5): FitContext => ({ ...(options.context ?? {}), rng: createRng(seed) });
  const run = (name: TransformerCheck, body: () => void): void => {
    const reason = options.skip?.[name];
    test(`${transformer.name} conformance: ${name}`, reason ? { skip: reason } : {}, body);
  };
  const firstNumeric = (frame: Frame) =>
    frame.columns.find((c) => c.type === 'number' && c.name !== options.context?.target)?.name;

  run('defaults', () => {
    const frame = makeFrame(50, 1);
    const state = transformer.fit(frame, undefined, context());
    const out = transformer.transform(state, frame);
    assert.equal(out.rowCount, frame.rowCount, 'prediction-mode transform keeps every row');
    assert.ok(Object.isFrozen(transformer.params()), 'resolved params are frozen');
  });

  run('bad-params', () => {
    const frame = makeFrame(20, 1);
    for (const bad of options.badParams) {
      assert.throws(
        () => transformer.fit(frame, { ...params, ...bad.params }, context()),
        (error: unknown) => isAimassError(error, 'PARAM_INVALID') && error.context.field === bad.field,
        `params ${JSON.stringify(bad.params)} must be rejected naming "${bad.field}"`,
      );
    }
    assert.throws(
      () => transformer.fit(frame, { ...params, noSuchParam: true }, context()),
      (error: unknown) => isAimassError(error, 'PARAM_INVALID'),
    );
  });

  run('input-unchanged', () => {
    const frame = makeFrame(60, 2);
    const before = snapshot(frame);
    const state = transformer.fit(frame, params, context());
    transformer.transform(state, frame, { training: true });
    transformer.transform(state, frame);
    assert.deepEqual(snapshot(frame), before);
  });

  run('deterministic', () => {
    const frame = makeFrame(60, 3);
    const a = roundTrip(transformer, transformer.fit(frame, params, context(9))).bytes;
    const b = roundTrip(transformer, transformer.fit(frame, params, context(9))).bytes;
    assert.deepEqual(a, b);
  });

  run('codec-roundtrip', () => {
    const frame = makeFrame(60, 4);
    const test = makeFrame(25, 40);
    const state = transformer.fit(frame, params, context());
    const { state: decoded, bytes } = roundTrip(transformer, state);
    assertFramesIdentical(
      transformer.transform(decoded, test),
      transformer.transform(state, test),
      'decoded state',
    );
    const writer = new BinaryWriter();
    transformer.encode(decoded, writer);
    assert.deepEqual(writer.finish(), bytes, 'decode → encode gives the same bytes');
    for (const cut of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
      if (cut >= bytes.length) continue;
      assert.throws(
        () => {
          const reader = new BinaryReader(bytes.subarray(0, cut));
          transformer.decode(reader);
          reader.end();
        },
        (error: unknown) => isAimassError(error, 'CODEC_CORRUPT'),
        `truncated at ${cut}`,
      );
    }
  });

  run('one-row', () => {
    const frame = makeFrame(1, 6);
    const state = transformer.fit(frame, params, context());
    assert.equal(transformer.transform(state, frame).rowCount, 1);
  });

  run('constant-column', () => {
    const frame = makeFrame(40, 7);
    const name = firstNumeric(frame);
    assert.ok(name, 'the frame has a numeric feature column');
    const constant = replaceColumn(frame, name, new Float64Array(40).fill(3.5));
    const state = transformer.fit(constant, params, context());
    const out = transformer.transform(state, constant);
    assert.equal(out.rowCount, 40);
    // A constant column must never turn into NaN or ±Infinity (no division by a zero spread);
    // a step may drop it (variance threshold), in which case there is nothing to check.
    const column = out.columns.find((c) => c.name === name);
    if (column && column.type === 'number') {
      for (const value of column.values)
        assert.ok(Number.isFinite(value), `constant column ${name} gave ${value}`);
    }
  });

  run('all-missing-column', () => {
    const frame = makeFrame(40, 8);
    const name = firstNumeric(frame);
    assert.ok(name);
    const missing = replaceColumn(frame, name, new Float64Array(40).fill(Number.NaN));
    const state = transformer.fit(missing, params, context());
    assert.equal(transformer.transform(state, missing).rowCount, 40);
    roundTrip(transformer, state);
  });

  run('non-finite', () => {
    const frame = makeFrame(40, 9);
    const name = firstNumeric(frame);
    assert.ok(name);
    const values = Float64Array.from(
      (frame.columns.find((c) => c.name === name) as { values: Float64Array }).values,
    );
    values[3] = Number.POSITIVE_INFINITY;
    values[4] = Number.NEGATIVE_INFINITY;
    values[5] = Number.NaN;
    const dirty = replaceColumn(frame, name, values);
    if (options.infinity === 'rejected') {
      assert.throws(
        () => transformer.fit(dirty, params, context()),
        (error: unknown) => isAimassError(error, 'DATA_INVALID'),
      );
      return;
    }
    const state = transformer.fit(dirty, params, context());
    const out = transformer.transform(state, dirty);
    assert.equal(out.rowCount, 40);
    if (options.infinity === 'pass-through') {
      const column = out.columns.find((c) => c.name === name);
      assert.ok(column && column.type === 'number', `column ${name} kept`);
      assert.equal(column.values[3], Number.POSITIVE_INFINITY);
      assert.equal(column.values[4], Number.NEGATIVE_INFINITY);
    }
  });

  run('row-equals-batch', () => {
    const train = makeFrame(80, 10);
    const batch = makeFrame(30, 11);
    const state = transformer.fit(train, params, context());
    const whole = transformer.transform(state, batch);
    for (const row of [0, 7, 29]) {
      const single = transformer.transform(state, sliceRows(batch, row));
      assertFramesIdentical(single, sliceRows(whole, row), `row ${row} alone vs in the batch`);
    }
  });
}

function sliceRows(frame: Frame, row: number): Frame {
  return {
    rowCount: 1,
    columns: frame.columns.map((c) =>
      c.type === 'category'
        ? { ...c, codes: c.codes.slice(row, row + 1) }
        : { ...c, values: c.values.slice(row, row + 1) },
    ) as Column[],
  };
}
