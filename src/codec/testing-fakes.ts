import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { createRng } from '../core/rng.ts';
import type { BundleMeta } from './meta.ts';

// Test-only stand-ins for a fitted pipeline (impute medians + standardize) and a ridge model,
// shaped like the real ones so the codec's size and fuzz tests need none of the real code.

export interface FakePipelineState {
  readonly columns: string[];
  readonly medians: Float64Array;
  readonly means: Float64Array;
  readonly scales: Float64Array;
}

export interface FakeRidgeState {
  readonly coefficients: Float64Array;
  readonly intercept: number;
}

export const fakePipeline = {
  name: 'pipeline',
  stateVersion: 1,
  encode(state: FakePipelineState, writer: BinaryWriter): void {
    writer.strings(state.columns);
    writer.weights(state.medians);
    writer.weights(state.means);
    writer.weights(state.scales);
  },
  decode(reader: BinaryReader): FakePipelineState {
    const columns = reader.strings();
    const medians = reader.weights();
    const means = reader.weights();
    const scales = reader.weights();
    const n = columns.length;
    if (medians.length !== n || means.length !== n || scales.length !== n)
      throw reader.corrupt('pipeline arrays disagree with the column count');
    return { columns, medians, means, scales };
  },
};

export const fakeRidge = {
  name: 'ridge',
  stateVersion: 1,
  encode(state: FakeRidgeState, writer: BinaryWriter): void {
    writer.weights(state.coefficients);
    writer.f64(state.intercept);
  },
  decode(reader: BinaryReader): FakeRidgeState {
    const coefficients = reader.weights();
    const intercept = reader.finite('intercept', true);
    return { coefficients, intercept };
  },
};

export function makeFakePipeline(features = 8, seed = 1): FakePipelineState {
  const rng = createRng(seed);
  const columns = Array.from({ length: features }, (_, i) => `sensor_${i}`);
  const medians = new Float64Array(features);
  const means = new Float64Array(features);
  const scales = new Float64Array(features);
  for (let i = 0; i < features; i++) {
    medians[i] = 20 + rng.normal() * 5;
    means[i] = medians[i] + rng.normal();
    scales[i] = 0.5 + rng.next() * 3;
  }
  return { columns, medians, means, scales };
}

export function makeFakeRidge(features = 8, seed = 2): FakeRidgeState {
  const rng = createRng(seed);
  const coefficients = new Float64Array(features);
  for (let i = 0; i < features; i++) coefficients[i] = rng.normal() * 0.7;
  return { coefficients, intercept: 12.5 + rng.normal() };
}

export function makeMeta(overrides: Partial<BundleMeta> = {}): BundleMeta {
  return {
    fleet: 'turbines',
    key: 'device-000123',
    version: 3,
    specVersion: 2,
    params: { alpha: 1, fitIntercept: true },
    metrics: { rmse: 0.8125, r2: 0.91 },
    trainingRows: 1440,
    dataRange: { minTimeMs: 1767225600000, maxTimeMs: 1769904000000 },
    createdAtMs: 1769990400000,
    fallbackReason: null,
    ...overrides,
  };
}
