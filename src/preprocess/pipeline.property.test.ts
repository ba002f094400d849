import { test } from 'node:test';
import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { createRng, permutation, type Rng } from '../core/rng.ts';
import {
  categoryColumn,
  createFrame,
  type Frame,
  numberColumn,
  takeFrameRows,
  timeColumn,
} from '../data/frame.ts';
import { assertFramesIdentical } from '../testing/check-transformer.ts';
import {
  decodePipeline,
  encodePipeline,
  fitPipeline,
  type PipelineStepSpec,
  transformPipeline,
} from './pipeline.ts';
import { TIME_FEATURES } from './time-features.ts';

/**
 * Property: for row-local steps (every step except lag-features, whose rows read earlier rows of
 * the batch), transforming one row alone gives exactly the bits that row gets inside its batch,
 * and a decoded pipeline transforms exactly like the original.
 */

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)];

/** Dirty, mixed data: NaN and ±Infinity in numbers, messy category text, numeric text, times. */
function randomFrame(rows: number, rng: Rng, labels: readonly string[]): Frame {
  const a = new Float64Array(rows);
  const b = new Float64Array(rows);
  const y = new Float64Array(rows);
  const t = new Float64Array(rows);
  const c: (string | null)[] = [];
  const n: (string | null)[] = [];
  const start = Date.UTC(2023, 0, 1) + rng.int(1000) * 3_600_000;
  for (let i = 0; i < rows; i++) {
    a[i] = rng.next() < 0.1 ? Number.NaN : rng.normal() * 10;
    const u = rng.next();
    b[i] =
      u < 0.02
        ? Number.POSITIVE_INFINITY
        : u < 0.04
          ? Number.NEGATIVE_INFINITY
          : u < 0.12
            ? Number.NaN
            : rng.next() * 1e4;
    y[i] = rng.next() < 0.05 ? Number.NaN : a[i] * 0.5 + rng.normal();
    t[i] = rng.next() < 0.03 ? Number.NaN : start + i * 1_800_000 + rng.int(1000);
    c.push(rng.next() < 0.08 ? null : pick(rng, labels));
    n.push(pick(rng, ['1,234.5', ' 7 ', 'NA', '-3e2', 'x', null, '0.25']));
  }
  return createFrame([
    timeColumn('t', t),
    numberColumn('a', a),
    numberColumn('b', b),
    categoryColumn('c', c),
    categoryColumn('n', n),
    numberColumn('y', y),
  ]);
}

const ROW_LOCAL_STEPS: Record<string, (rng: Rng) => Record<string, unknown>> = {
  clean: (rng) => ({ caseFold: rng.next() < 0.7, coerceNumeric: rng.next() < 0.5 ? ['n'] : [] }),
  'time-features': (rng) => ({
    features: [...permutation(TIME_FEATURES.length, rng)]
      .slice(0, 1 + rng.int(4))
      .map((k) => TIME_FEATURES[k]),
    utcOffsetMinutes: pick(rng, [0, 60, -300, 330]),
  }),
  'one-hot': (rng) => ({ maxCategories: pick(rng, [null, 2, 3]) }),
  impute: (rng) => ({
    strategy: pick(rng, ['mean', 'median', 'most_frequent', 'constant']),
    addIndicator: rng.next() < 0.5,
  }),
  standardize: () => ({}),
  'min-max': () => ({}),
  'robust-scale': () => ({}),
  outliers: (rng) => ({ method: pick(rng, ['iqr', 'zscore', 'mad']), mode: pick(rng, ['clip', 'drop']) }),
  'feature-select': (rng) => ({ method: pick(rng, ['variance', 'correlation']), k: pick(rng, [null, 2, 4]) }),
};

function randomSpec(rng: Rng): { steps: PipelineStepSpec[] } {
  const names = Object.keys(ROW_LOCAL_STEPS);
  const chosen = [...permutation(names.length, rng)].slice(0, 1 + rng.int(5)).map((k) => names[k]);
  // clean names its columns (coerceNumeric) at fit, so it runs before steps that consume them.
  chosen.sort((x, y) => Number(y === 'clean') - Number(x === 'clean'));
  return { steps: chosen.map((step) => ({ step, params: ROW_LOCAL_STEPS[step](rng) })) };
}

test('pipeline property: one row alone == that row in its batch, and decode changes nothing', () => {
  const rng = createRng(2024);
  for (let trial = 0; trial < 40; trial++) {
    const spec = randomSpec(rng);
    const what = `trial ${trial}: ${JSON.stringify(spec)}`;
    const train = randomFrame(60, rng, [' Red', 'red', 'GREEN', 'blue ', 'NA', 'teal']);
    const batch = randomFrame(25, rng, ['red', 'Green', 'violet', '?', 'blue']);
    const state = fitPipeline(spec, train, { target: 'y', time: 't', rng: rng.fork() });
    const whole = transformPipeline(state, batch);
    for (let row = 0; row < batch.rowCount; row++) {
      const single = transformPipeline(state, takeFrameRows(batch, [row]));
      assertFramesIdentical(single, takeFrameRows(whole, [row]), `${what}, row ${row}`);
    }
    const writer = new BinaryWriter();
    encodePipeline(state, writer);
    const reader = new BinaryReader(writer.finish());
    const decoded = decodePipeline(reader);
    reader.end();
    assertFramesIdentical(transformPipeline(decoded, batch), whole, `${what}, decoded`);
    assertFramesIdentical(
      transformPipeline(decoded, train, { training: true }),
      transformPipeline(state, train, { training: true }),
      `${what}, decoded, training mode`,
    );
  }
});
