/**
 * The simple forecasts every forecast task is compared with, from their textbook definitions
 * (Hyndman & Athanasopoulos, FPP3 §5.2), written here independently of aimass's forecasters.
 */

/** The last value, repeated. */
export function naive(train: Float64Array, h: number): Float64Array {
  return new Float64Array(h).fill(train[train.length - 1]);
}

/** The value one season earlier; naive when the season is 1 or longer than the series. */
export function seasonalNaive(train: Float64Array, h: number, season: number): Float64Array {
  if (season <= 1 || train.length < season) return naive(train, h);
  const out = new Float64Array(h);
  for (let k = 0; k < h; k++) out[k] = train[train.length - season + (k % season)];
  return out;
}

/** The line through the first and last points, continued. */
export function drift(train: Float64Array, h: number): Float64Array {
  const n = train.length;
  const slope = n > 1 ? (train[n - 1] - train[0]) / (n - 1) : 0;
  const out = new Float64Array(h);
  for (let k = 0; k < h; k++) out[k] = train[n - 1] + (k + 1) * slope;
  return out;
}

/** The mean of the training part. */
export function seriesMean(train: Float64Array, h: number): Float64Array {
  let total = 0;
  for (const v of train) total += v;
  return new Float64Array(h).fill(total / train.length);
}
