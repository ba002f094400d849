import { createRng } from '../../core/rng.ts';
import {
  type Column,
  categoryColumn,
  createFrame,
  type Frame,
  numberColumn,
  timeColumn,
} from '../../data/frame.ts';

/** Hourly rows per demo device; sparse devices get `SPARSE_ROWS` to show the fallback at work. */
export interface DemoOptions {
  /** Default 2,000. */
  readonly devices?: number;
  /** Default 240 (ten days, hourly). */
  readonly rows?: number;
  /** Every `sparseEvery`-th device has only a few rows. Default 100. */
  readonly sparseEvery?: number;
  readonly seed?: number;
}

const SPARSE_ROWS = 12;
const START_MS = Date.UTC(2026, 0, 1);
export const DEMO_FEATURES = ['temperature', 'humidity', 'load', 'vibration', 'voltage'] as const;

/**
 * A small deterministic IoT fleet made in memory (no files needed, so `npm start` works on a
 * fresh clone): each device has its own sensor levels, daily cycle, and its own relationship from
 * sensors to `power` (linear with device weights, plus a saturating load term), ~2% missing
 * cells and rare spikes. A single global model cannot fit every device, per-device models can.
 */
export function demoFleet(options: DemoOptions = {}): Frame {
  const devices = options.devices ?? 2000;
  const rows = options.rows ?? 240;
  const sparseEvery = options.sparseEvery ?? 100;
  const counts = Array.from({ length: devices }, (_, d) =>
    d % sparseEvery === sparseEvery - 1 ? SPARSE_ROWS : rows,
  );
  const total = counts.reduce((a, b) => a + b, 0);
  const keys: string[] = new Array(total);
  const time = new Float64Array(total);
  const features = DEMO_FEATURES.map(() => new Float64Array(total));
  const power = new Float64Array(total);
  let at = 0;
  for (let d = 0; d < devices; d++) {
    const rng = createRng(`${options.seed ?? 1}:demo:${d}`);
    const key = `device-${String(d).padStart(5, '0')}`;
    const level = [15 + 10 * rng.next(), 40 + 30 * rng.next(), 0, 1 + rng.next(), 220 + 10 * rng.normal()];
    const amplitude = 3 + 5 * rng.next();
    const phase = rng.next() * 24;
    const weights = DEMO_FEATURES.map(() => rng.normal());
    const offset = 50 + 150 * rng.next();
    const scale = 2 + 8 * rng.next();
    let load = rng.next();
    for (let i = 0; i < counts[d]; i++, at++) {
      keys[at] = key;
      time[at] = START_MS + i * 3_600_000;
      const daily = Math.sin((2 * Math.PI * (i + phase)) / 24);
      load = Math.min(1, Math.max(0, load + 0.1 * rng.normal()));
      const z = [
        daily + 0.2 * rng.normal(),
        -daily + 0.3 * rng.normal(),
        2 * load - 1,
        rng.normal(),
        rng.normal(),
      ];
      const values = [
        level[0] + amplitude * z[0],
        level[1] + 8 * z[1],
        100 * load,
        level[3] + 0.3 * z[3],
        level[4] + 2 * z[4],
      ];
      let signal = 0;
      for (let j = 0; j < z.length; j++) signal += weights[j] * z[j];
      power[at] = offset + scale * (signal + 1.5 * Math.tanh(3 * z[2]) + 0.3 * rng.normal());
      for (let j = 0; j < values.length; j++) {
        const u = rng.next();
        features[j][at] =
          u < 0.02
            ? Number.NaN
            : u > 0.999
              ? values[j] + 10 * (rng.next() < 0.5 ? -1 : 1) * amplitude
              : values[j];
      }
    }
  }
  const columns: Column[] = [
    categoryColumn('device_id', keys),
    timeColumn('ts', time),
    ...DEMO_FEATURES.map((name, j) => numberColumn(name, features[j])),
    numberColumn('power', power),
  ];
  return createFrame(columns);
}

/** The demo fleet's spec: per-device regression of power on the sensors, cheap candidates. */
export function demoSpec(): Record<string, unknown> {
  return {
    name: 'demo',
    key: 'device_id',
    time: 'ts',
    target: 'power',
    task: 'regression',
    features: [...DEMO_FEATURES],
    preprocess: [
      { step: 'impute', params: { strategy: 'median' } },
      { step: 'outliers', params: { method: 'iqr', mode: 'clip' } },
      { step: 'standardize' },
    ],
    candidates: [
      { algorithm: 'ridge', search: { alpha: { min: 0.01, max: 10, log: true } } },
      { algorithm: 'decision-tree', params: { maxDepth: 5 } },
      { algorithm: 'hist-gradient-boosting', params: { maxIter: 30 } },
    ],
    budget: { maxTrials: 5 },
    minRows: 48,
    shardSize: 100,
  };
}
