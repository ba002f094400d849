import { test } from 'node:test';
import { createRng } from '../../core/rng.ts';
import { expectClose } from '../../testing/expect-close.ts';
import { centredGram } from './gram.ts';
import { weightedGram } from './weighted-gram.ts';

/** Straightforward two-pass references, O(n p²) with no tricks. */
function reference(x: Float64Array, rows: number, cols: number, y: Float64Array) {
  const means = new Float64Array(cols + 1);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) means[j] += x[r * cols + j] / rows;
    means[cols] += y[r] / rows;
  }
  const gram = new Float64Array(cols * cols);
  const xty = new Float64Array(cols);
  let yy = 0;
  for (let r = 0; r < rows; r++) {
    const yc = y[r] - means[cols];
    yy += yc * yc;
    for (let i = 0; i < cols; i++) {
      const a = x[r * cols + i] - means[i];
      xty[i] += a * yc;
      for (let j = i; j < cols; j++) gram[i * cols + j] += a * (x[r * cols + j] - means[j]);
    }
  }
  return { means, gram, xty, yy };
}

function data(rows: number, cols: number, seed: number) {
  const rng = createRng(seed);
  const x = new Float64Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = 100 * (i % cols) + rng.normal() * (1 + (i % 3));
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) y[r] = 5 + x[r * cols] - 100 + rng.normal();
  return { x, y };
}

for (const [rows, cols] of [
  [1, 1],
  [7, 1],
  [50, 2],
  [33, 5],
  [400, 8],
  [3000, 3], // several row blocks
  [900, 11],
]) {
  test(`centredGram matches a two-pass reference (${rows} × ${cols})`, () => {
    const { x, y } = data(rows, cols, rows + cols);
    const gram = new Float64Array(cols * cols);
    const xty = new Float64Array(cols);
    const means = new Float64Array(cols + 1);
    const yy = centredGram(x, rows, cols, y, gram, xty, means);
    const want = reference(x, rows, cols, y);
    const upper = (m: Float64Array) => m.filter((_, k) => k % cols >= Math.floor(k / cols));
    const scale = Math.max(1, ...want.gram.map(Math.abs));
    expectClose(upper(gram), upper(want.gram), { rtol: 1e-10, atol: 1e-12 * scale }, 'gram');
    expectClose(xty, want.xty, { rtol: 1e-10, atol: 1e-12 * scale }, 'xty');
    expectClose(means, want.means, { rtol: 1e-12, atol: 1e-12 }, 'means');
    expectClose(yy, want.yy, { rtol: 1e-10, atol: 1e-12 }, 'yy');
  });

  test(`weightedGram matches a direct sum (${rows} × ${cols})`, () => {
    const { x, y } = data(rows, cols, 3 * rows + cols);
    const shift = new Float64Array(cols).map((_, j) => 100 * j);
    const weights = y.map((_, r) => 0.1 + (r % 7) / 7);
    const q = cols + 1;
    const gram = new Float64Array(q * q);
    const xv = new Float64Array(q);
    weightedGram(x, rows, cols, shift, weights, y, gram, xv);
    const wantGram = new Float64Array(q * q);
    const wantV = new Float64Array(q);
    const row = new Float64Array(q);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++) row[j] = x[r * cols + j] - shift[j];
      row[cols] = 1;
      for (let i = 0; i < q; i++) {
        wantV[i] += y[r] * row[i];
        for (let j = i; j < q; j++) wantGram[i * q + j] += weights[r] * row[i] * row[j];
      }
    }
    const upper = (m: Float64Array) => m.filter((_, k) => k % q >= Math.floor(k / q));
    expectClose(upper(gram), upper(wantGram), { rtol: 1e-10, atol: 1e-9 }, 'gram');
    expectClose(xv, wantV, { rtol: 1e-10, atol: 1e-9 }, 'xv');
  });
}
