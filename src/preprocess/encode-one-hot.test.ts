import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import { categoryColumn, createFrame, type Frame, numberColumn, toMatrix } from '../data/frame.ts';
import { checkTransformer } from '../testing/check-transformer.ts';
import { expectClose } from '../testing/expect-close.ts';
import { fixtureMatrix, loadFixture, toleranceFor } from '../testing/fixtures.ts';
import { oneHotColumnNames, oneHotTransformer } from './encode-one-hot.ts';

checkTransformer(oneHotTransformer, {
  context: { target: 'y' },
  badParams: [
    { params: { maxCategories: 0 }, field: 'maxCategories' },
    { params: { maxCategories: 2.5 }, field: 'maxCategories' },
    { params: { columns: 'c' }, field: 'columns' },
  ],
  infinity: 'pass-through',
});

const ctx = { rng: createRng(1) };

function stringFrame(rows: readonly (readonly string[])[], names: readonly string[]): Frame {
  return createFrame(
    names.map((name, j) =>
      categoryColumn(
        name,
        rows.map((row) => row[j]),
      ),
    ),
  );
}

test('one-hot: matches sklearn OneHotEncoder(handle_unknown="ignore") fixture', () => {
  const fixture = loadFixture('one-hot-encoder');
  const names = fixture.inputs.feature_names_in as string[];
  const train = stringFrame(fixture.inputs.X_train as string[][], names);
  const testFrame = stringFrame(fixture.inputs.X_test as string[][], names);
  const state = oneHotTransformer.fit(train, undefined, ctx);
  assert.deepEqual(
    state.columns.map((c) => c.categories),
    fixture.expected.categories_,
  );
  assert.ok(state.columns.every((c) => !c.other));
  // sklearn names `color_blue`; ours are `color=blue` (unambiguous when names contain '_').
  const sklearnNames = fixture.expected.feature_names_out as string[];
  const ourNames = state.columns.flatMap(oneHotColumnNames);
  assert.deepEqual(
    ourNames,
    sklearnNames.map((n) => n.replace('_', '=')),
  );
  const trainOut = oneHotTransformer.transform(state, train);
  assert.deepEqual(
    trainOut.columns.map((c) => c.name),
    ourNames,
    'source columns replaced by their blocks',
  );
  const tolTrain = toleranceFor(fixture, 'X_train_transformed');
  expectClose(
    toMatrix(trainOut, ourNames).data,
    fixtureMatrix(fixture.expected.X_train_transformed).data,
    tolTrain,
  );
  const testOut = oneHotTransformer.transform(state, testFrame);
  expectClose(
    toMatrix(testOut, ourNames).data,
    fixtureMatrix(fixture.expected.X_test_transformed).data,
    toleranceFor(fixture, 'X_test_transformed'),
    'unseen categories encode as zeros',
  );
});

test('one-hot: maxCategories keeps the most frequent (ties: first sorted) plus __other__', () => {
  const frame = createFrame([
    numberColumn('x', [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    categoryColumn('c', ['d', 'd', 'd', 'b', 'b', 'a', 'a', 'c', null]),
  ]);
  const state = oneHotTransformer.fit(frame, { maxCategories: 3 }, ctx);
  assert.deepEqual(state.columns[0], { column: 'c', categories: ['a', 'd'], other: true });
  const out = oneHotTransformer.transform(state, frame);
  assert.deepEqual(
    out.columns.map((c) => c.name),
    ['x', 'c=a', 'c=d', 'c=__other__'],
  );
  assert.deepEqual(Array.from(toMatrix(out, ['c=a', 'c=d', 'c=__other__']).data), [
    ...[0, 1, 0],
    ...[0, 1, 0],
    ...[0, 1, 0],
    ...[0, 0, 1],
    ...[0, 0, 1],
    ...[1, 0, 0],
    ...[1, 0, 0],
    ...[0, 0, 1],
    ...[0, 0, 0], // missing → all zeros
  ]);
  const unseen = createFrame([numberColumn('x', [1, 2]), categoryColumn('c', ['zzz', 'a'])]);
  assert.deepEqual(
    Array.from(toMatrix(oneHotTransformer.transform(state, unseen), ['c=a', 'c=d', 'c=__other__']).data),
    [...[0, 0, 1], ...[1, 0, 0]],
  );
  const one = oneHotTransformer.fit(frame, { maxCategories: 1 }, ctx);
  assert.deepEqual(one.columns[0], { column: 'c', categories: [], other: true });
  const exact = oneHotTransformer.fit(frame, { maxCategories: 4 }, ctx);
  assert.equal(exact.columns[0].other, false, 'no bucket when the cap is not exceeded');
});

test('one-hot: defaults skip target and key; explicit non-category column is rejected', () => {
  const frame = createFrame([
    categoryColumn('id', ['k', 'k']),
    categoryColumn('c', ['u', 'v']),
    categoryColumn('label', ['yes', 'no']),
    numberColumn('x', [1, 2]),
  ]);
  const state = oneHotTransformer.fit(frame, undefined, { ...ctx, target: 'label', key: 'id' });
  assert.deepEqual(
    oneHotTransformer.transform(state, frame).columns.map((c) => c.name),
    ['id', 'c=u', 'c=v', 'label', 'x'],
  );
  assert.throws(
    () => oneHotTransformer.fit(frame, { columns: ['x'] }, ctx),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
  assert.throws(
    () => oneHotTransformer.fit(createFrame([categoryColumn('c', ['__other__'])]), undefined, ctx),
    (e: unknown) => isAimassError(e, 'DATA_INVALID'),
  );
});

test('one-hot: decode rejects unsorted or repeated categories', () => {
  const writer = new BinaryWriter();
  oneHotTransformer.encode({ columns: [{ column: 'c', other: false, categories: ['b', 'a'] }] }, writer);
  assert.throws(
    () => oneHotTransformer.decode(new BinaryReader(writer.finish())),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
  const repeated = new BinaryWriter();
  oneHotTransformer.encode({ columns: [{ column: 'c', other: true, categories: ['a', 'a'] }] }, repeated);
  assert.throws(
    () => oneHotTransformer.decode(new BinaryReader(repeated.finish())),
    (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
  );
});
