import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { isAimassError } from '../core/errors.ts';
import { createRng } from '../core/rng.ts';
import {
  categoryColumn,
  createFrame,
  type Frame,
  getColumn,
  numberColumn,
  timeColumn,
  toMatrix,
  withoutColumns,
} from '../data/frame.ts';
import { assertFramesIdentical } from '../testing/check-transformer.ts';
import {
  compilePipeline,
  decodePipeline,
  encodePipeline,
  featureColumns,
  fitPipeline,
  fitTransformPipeline,
  type PipelineState,
  parsePipelineSpec,
  transformPipeline,
} from './pipeline.ts';

const HOUR = 3_600_000;

/** One entity's hourly readings, with dirty category text, a missing target and a duplicate row. */
function readings(): Frame {
  const n = 48;
  const t: number[] = [];
  const temp: (number | null)[] = [];
  const mode: (string | null)[] = [];
  const y: (number | null)[] = [];
  const rng = createRng(11);
  for (let i = 0; i < n; i++) {
    t.push(Date.UTC(2024, 2, 1) + i * HOUR);
    temp.push(i % 10 === 3 ? null : 20 + 5 * Math.sin(i / 4) + rng.normal());
    mode.push([' Eco', 'eco', 'BOOST', 'boost ', 'NA', 'idle'][i % 6]);
    y.push(i === 5 ? null : 100 + 2 * i + rng.normal());
  }
  // row 47 duplicates row 46 exactly
  t[47] = t[46];
  temp[47] = temp[46];
  mode[47] = mode[46];
  y[47] = y[46];
  return createFrame([
    categoryColumn('device', Array(n).fill('dev-1')),
    timeColumn('t', t),
    numberColumn('temp', temp),
    categoryColumn('mode', mode),
    numberColumn('y', y),
  ]);
}

const context = () => ({ target: 'y', key: 'device', time: 't', rng: createRng(1) });

const spec = {
  steps: [
    { step: 'clean' },
    { step: 'time-features', params: { features: ['hourSin', 'hourCos', 'dayOfWeek'] } },
    { step: 'lag-features', params: { lags: [1, 2], windows: [3] } },
    { step: 'impute', params: { strategy: 'median' } },
    { step: 'one-hot' },
    { step: 'standardize' },
  ],
};

function roundTrip(state: PipelineState): { state: PipelineState; bytes: Uint8Array } {
  const writer = new BinaryWriter();
  encodePipeline(state, writer);
  const bytes = writer.finish();
  const reader = new BinaryReader(bytes);
  const decoded = decodePipeline(reader);
  reader.end();
  return { state: decoded, bytes };
}

test('pipeline: spec errors name the offending field by path', () => {
  const cases: [unknown, string, string][] = [
    [null, 'SPEC_INVALID', '(spec)'],
    [{ steps: 'clean' }, 'SPEC_INVALID', 'steps'],
    [{ steps: [], extra: 1 }, 'SPEC_INVALID', 'extra'],
    [{ steps: [{ step: 'clean' }, 'impute'] }, 'SPEC_INVALID', 'steps[1]'],
    [{ steps: [{ step: 'clean' }, { step: 'pca' }] }, 'SPEC_INVALID', 'steps[1].step'],
    [{ steps: [{ step: 7 }] }, 'SPEC_INVALID', 'steps[0].step'],
    [{ steps: [{ step: 'clean', parms: {} }] }, 'SPEC_INVALID', 'steps[0].parms'],
    [
      { steps: [{ step: 'clean' }, { step: 'clean' }, { step: 'impute', params: { strategy: 'mode' } }] },
      'PARAM_INVALID',
      'steps[2].params.strategy',
    ],
    [{ steps: [{ step: 'impute', params: [1] }] }, 'PARAM_INVALID', 'steps[0].params'],
    [
      { steps: [{ step: 'one-hot', params: { maxCategory: 3 } }] },
      'PARAM_INVALID',
      'steps[0].params.maxCategory',
    ],
  ];
  for (const [given, code, field] of cases)
    assert.throws(
      () => parsePipelineSpec(given),
      (e: unknown) => isAimassError(e) && e.code === code && e.context.field === field,
      `${JSON.stringify(given)} → ${code} ${field}`,
    );
  const parsed = parsePipelineSpec({ steps: [{ step: 'one-hot' }] });
  assert.deepEqual(
    { ...parsed.steps[0].params },
    { columns: null, maxCategories: null },
    'defaults resolved',
  );
  assert.deepEqual(parsePipelineSpec({ steps: [] }).steps, []);
});

test('pipeline: fit-time errors carry the step path', () => {
  const frame = readings();
  assert.throws(
    () =>
      fitPipeline({ steps: [{ step: 'clean' }, { step: 'time-features' }] }, frame, { rng: createRng(1) }),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'steps[1].params.column',
  );
  assert.throws(
    () => fitPipeline({ steps: [{ step: 'one-hot', params: { columns: ['nope'] } }] }, frame, context()),
    (e: unknown) =>
      isAimassError(e, 'COLUMN_NOT_FOUND') && e.context.step === 0 && e.message.startsWith('steps[0]'),
  );
});

test('pipeline: fits each step on the previous output, drops rows only in training', () => {
  const frame = readings();
  const { state, frame: trained } = fitTransformPipeline(compilePipeline(spec), frame, context());
  assert.deepEqual(
    state.steps.map((s) => s.name),
    spec.steps.map((s) => s.step),
  );
  assert.equal(trained.rowCount, 46, 'missing target and duplicate dropped during fit');
  assert.deepEqual(featureColumns(state), [
    'temp',
    'mode=boost',
    'mode=eco',
    'mode=idle',
    't_hourSin',
    't_hourCos',
    't_dayOfWeek',
    'y_lag1',
    'y_lag2',
    'y_mean3',
    'y_std3',
  ]);
  assertFramesIdentical(transformPipeline(state, frame, { training: true }), trained, 'training replay');
  const predicted = transformPipeline(state, withoutColumns(frame, ['y']));
  assert.equal(predicted.rowCount, 48, 'prediction keeps every row');
  const names = featureColumns(state);
  const matrix = toMatrix(predicted, names);
  assert.equal(matrix.cols, names.length);
  // The imputed, standardised temperature has no missing value left.
  const temp = (getColumn(predicted, 'temp') as { values: Float64Array }).values;
  assert.ok(temp.every(Number.isFinite));
  // Lags of the target come from the training tail for the first row; later rows have no target.
  const lag1 = (getColumn(predicted, 'y_lag1') as { values: Float64Array }).values;
  assert.ok(Number.isFinite(lag1[0]) && Number.isFinite(lag1[47]), 'impute fills what lags could not see');
  assert.deepEqual(fitPipeline(spec, frame, context()).columns, state.columns, 'deterministic');
});

test('pipeline: encode → decode → transform is identical; bad bytes fail cleanly', () => {
  const frame = readings();
  const state = fitPipeline(spec, frame, context());
  const { state: decoded, bytes } = roundTrip(state);
  assert.deepEqual(decoded.columns, state.columns);
  assert.deepEqual([decoded.target, decoded.key, decoded.time], ['y', 'device', 't']);
  assertFramesIdentical(
    transformPipeline(decoded, frame),
    transformPipeline(state, frame),
    'decoded pipeline',
  );
  const again = new BinaryWriter();
  encodePipeline(decoded, again);
  assert.deepEqual(again.finish(), bytes, 'decode → encode gives the same bytes');
  for (const cut of [0, 3, 40, Math.floor(bytes.length / 2), bytes.length - 1])
    assert.throws(
      () => {
        const reader = new BinaryReader(bytes.subarray(0, cut));
        decodePipeline(reader);
        reader.end();
      },
      (e: unknown) => isAimassError(e, 'CODEC_CORRUPT'),
      `truncated at ${cut}`,
    );
  const encode = (s: PipelineState) => {
    const writer = new BinaryWriter();
    encodePipeline(s, writer);
    return new BinaryReader(writer.finish());
  };
  const renamed = { ...state, steps: state.steps.map((s, i) => (i === 1 ? { ...s, name: 'pca' } : s)) };
  assert.throws(
    () => decodePipeline(encode(renamed)),
    (e: unknown) => isAimassError(e, 'CODEC_UNSUPPORTED') && e.context.value === 'pca',
  );
  const newer = {
    ...state,
    steps: state.steps.map((s, i) =>
      i === 2 ? { ...s, transformer: { ...s.transformer, stateVersion: 99 } } : s,
    ),
  };
  assert.throws(
    () => decodePipeline(encode(newer)),
    (e: unknown) => isAimassError(e, 'CODEC_UNSUPPORTED') && e.context.value === 99,
  );
  const future = Uint8Array.from(bytes);
  future[0] = 2;
  assert.throws(
    () => decodePipeline(new BinaryReader(future)),
    (e: unknown) => isAimassError(e, 'CODEC_UNSUPPORTED'),
  );
});

test('pipeline: an empty pipeline passes frames through', () => {
  const frame = readings();
  const state = fitPipeline({ steps: [] }, frame, context());
  assert.equal(transformPipeline(state, frame), frame);
  assert.deepEqual(featureColumns(state), ['temp']);
  assert.deepEqual(roundTrip(state).state.columns, state.columns);
});

test('pipeline: a spec object mutated after a successful fit is still validated', () => {
  const frame = readings();
  const mutable = { steps: [{ step: 'clean' }, { step: 'impute', params: { strategy: 'median' } }] };
  fitPipeline(mutable, frame, context());
  mutable.steps[1].params = { strategy: 'mode' };
  assert.throws(
    () => fitPipeline(mutable, frame, context()),
    (e: unknown) => isAimassError(e, 'PARAM_INVALID') && e.context.field === 'steps[1].params.strategy',
  );
  (mutable.steps[1] as { step: string }).step = 'pca';
  assert.throws(
    () => fitPipeline(mutable, frame, context()),
    (e: unknown) => isAimassError(e, 'SPEC_INVALID') && e.context.field === 'steps[1].step',
  );
});

test('pipeline: a compiled pipeline is frozen and independent of its source spec', () => {
  const frame = readings();
  const source = { steps: [{ step: 'impute', params: { strategy: 'median' } }] };
  const compiled = compilePipeline(source);
  assert.ok(
    Object.isFrozen(compiled) && Object.isFrozen(compiled.steps) && Object.isFrozen(compiled.steps[0]),
  );
  const before = fitTransformPipeline(compiled, frame, context()).state;
  source.steps[0].params = { strategy: 'mode' };
  const after = fitTransformPipeline(compiled, frame, context()).state;
  assert.equal(compiled.steps[0].params.strategy, 'median');
  assert.deepEqual(
    roundTrip(after).bytes,
    roundTrip(before).bytes,
    'same fit: the source mutation is not seen',
  );
});
