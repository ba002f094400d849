import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleMeta } from '../codec/meta.ts';
import { AimassError } from '../core/errors.ts';
import type { Frame } from '../data/frame.ts';
import type { Predictor } from '../fleet/predictor.ts';
import type { FleetTask } from '../fleet/spec.ts';
import { openStore } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import type { NewModel } from '../store/types.ts';

/**
 * Test doubles for the serving layer (used by src/serve and tests/serve): a fake bundle format
 * (JSON text, padded to a chosen size) and a counting loader. Predictions are `weight × x`, so a
 * test can tell which model version answered.
 */
export interface FakeBundle {
  readonly task: FleetTask;
  readonly weight: number;
  /** Total encoded size in bytes (padding added); default: as small as possible. */
  readonly bytes?: number;
}

export function fakeBundle(spec: FakeBundle): Uint8Array {
  const text = JSON.stringify({ fake: true, task: spec.task, weight: spec.weight });
  const size = Math.max(text.length, spec.bytes ?? 0);
  return new TextEncoder().encode(text.padEnd(size, ' '));
}

function numbers(frame: Frame, name: string): Float64Array {
  const column = frame.columns.find((c) => c.name === name);
  if (column?.type !== 'number') throw new Error(`fake predictor: no number column ${name}`);
  return column.values;
}

export function decodeFakeBundle(bytes: Uint8Array): Predictor {
  let parsed: { fake?: boolean; task: FleetTask; weight: number };
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new AimassError('CODEC_CORRUPT', 'not a fake bundle');
  }
  if (parsed.fake !== true) throw new AimassError('CODEC_CORRUPT', 'not a fake bundle');
  const { task, weight } = parsed;
  const meta = { fleet: 'f', key: 'k', version: 1 } as unknown as BundleMeta;
  const predictor: Predictor = {
    task,
    algorithm: `fake-${task}`,
    meta,
    bundleBytes: bytes.byteLength,
    inputColumns: [
      { name: 'x', type: 'number' },
      { name: 'zone', type: 'category' },
    ],
    predict(rows: Frame) {
      const x = numbers(rows, 'x');
      const values = new Float64Array(rows.rowCount);
      for (let i = 0; i < values.length; i++) values[i] = weight * x[i];
      if (task !== 'classification') return { values };
      const data = new Float64Array(rows.rowCount * 2);
      for (let i = 0; i < values.length; i++) {
        const p = 1 / (1 + Math.exp(-values[i]));
        data[2 * i] = 1 - p;
        data[2 * i + 1] = p;
        values[i] = p > 0.5 ? 1 : 0;
      }
      return { values, proba: { data, rows: rows.rowCount, cols: 2 }, classes: ['no', 'yes'] };
    },
  };
  if (task === 'anomaly')
    return {
      ...predictor,
      // Flags agree with the scores the way a detector's threshold would (score > 2 is an outlier).
      predict(rows: Frame) {
        const x = numbers(rows, 'x');
        return { values: Float64Array.from(x, (v) => (Math.abs(v - weight) > 2 ? 1 : 0)) };
      },
      score(rows: Frame) {
        const x = numbers(rows, 'x');
        return Float64Array.from(x, (v) => Math.abs(v - weight));
      },
    };
  if (task === 'forecast')
    return {
      ...predictor,
      predict() {
        throw new Error('forecast bundles do not predict rows');
      },
      forecast(horizon: number) {
        return Float64Array.from({ length: horizon }, (_, i) => weight * (i + 1));
      },
    };
  return predictor;
}

/** A loader that counts calls and can be slowed down, to observe coalescing. */
export function countingLoader(options: { delayMs?: number } = {}) {
  const loader = {
    loads: 0,
    async load(bytes: Uint8Array): Promise<Predictor> {
      loader.loads++;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return decodeFakeBundle(bytes);
    },
  };
  return loader;
}

/** A SQLite store in a fresh temp folder; `cleanup` closes it and removes the folder. */
export async function tempStore(): Promise<{ store: Store; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'aimass-serve-'));
  const store = await openStore({ dataDir: dir, synchronous: 'NORMAL' });
  return {
    store,
    dir,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function fakeModel(key: string, bundle: FakeBundle, extra: Partial<NewModel> = {}): NewModel {
  return {
    key,
    bundle: fakeBundle(bundle),
    algorithm: `fake-${bundle.task}`,
    params: { weight: bundle.weight },
    metrics: { rmse: bundle.weight / 10 },
    trainStart: 0,
    trainEnd: 1000,
    rowCount: 100,
    dataHash: `h${bundle.weight}`,
    specVersion: 1,
    fallbackReason: null,
    status: 'champion',
    ...extra,
  };
}

/** A minimal valid fleet spec. */
export function fakeSpec(name: string, task: FleetTask = 'regression'): Record<string, unknown> {
  return { name, key: 'device', time: 'ts', target: task === 'anomaly' ? null : 'y', task };
}

/**
 * A store with fleets of every task and fake champions: `plant` (regression: `d1` weight 2,
 * `d2` weight 3, fallback weight 10), `cls` (classification `k1`), `fc` (forecast `k1`),
 * `an` (anomaly `k1`, weight 5).
 */
export async function seededStore(): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const { store, cleanup } = await tempStore();
  const tasks: [string, FleetTask][] = [
    ['plant', 'regression'],
    ['cls', 'classification'],
    ['fc', 'forecast'],
    ['an', 'anomaly'],
  ];
  for (const [name, task] of tasks) {
    await store.createFleet(name);
    await store.putSpec(name, fakeSpec(name, task));
  }
  await store.insertModel('plant', fakeModel('d1', { task: 'regression', weight: 2 }));
  await store.insertModel('plant', fakeModel('d2', { task: 'regression', weight: 3 }));
  await store.insertModel('plant', fakeModel('__fallback__', { task: 'regression', weight: 10 }));
  await store.insertModel('cls', fakeModel('k1', { task: 'classification', weight: 1 }));
  await store.insertModel('fc', fakeModel('k1', { task: 'forecast', weight: 2 }));
  await store.insertModel('an', fakeModel('k1', { task: 'anomaly', weight: 5 }));
  return { store, cleanup };
}

/** A fake training engine recording its calls; runs are created in the store like the engine would. */
export function fakeTraining(store: Store) {
  const calls: {
    started: { fleet: string; keys?: readonly string[]; reason?: string }[];
    cancelled: number[];
  } = {
    started: [],
    cancelled: [],
  };
  return {
    calls,
    async startRun(fleet: string, options: { keys?: readonly string[]; reason?: string }) {
      calls.started.push({ fleet, ...options });
      const keys = options.keys ?? ['a', 'b'];
      const run = await store.createRun(fleet, { specVersion: 1, keyCount: keys.length, shards: [{ keys }] });
      return { runId: run.id };
    },
    async cancelRun(runId: number) {
      calls.cancelled.push(runId);
      await store.cancelRun(runId);
    },
  };
}
