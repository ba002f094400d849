import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../src/data/frame.ts';
import { parseCsvText, selectColumns } from '../../src/data/index.ts';
import { importFrame } from '../../src/ingest/import-frame.ts';
import { type LocalQueue, openLocalQueue } from '../../src/queue/index.ts';
import {
  type EventQuery,
  type ModelInfo,
  type ModelQuery,
  openStore,
  type Store,
  type StoredEvent,
  sqlitePathIn,
} from '../../src/store/index.ts';
import { sharedDir } from '../../src/testing/fixtures.ts';

/** The shared deterministic fleet generator (see its header for how devices differ). */
export const GENERATOR = join(sharedDir, 'bench', 'gen-fleet.mjs');

/** Runs gen-fleet.mjs with `args` and returns the CSV text (stdout). */
export function generateCsv(args: readonly string[]): string {
  return execFileSync(process.execPath, [GENERATOR, ...args, '--out', '-'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

/** Keeps only the first `keep` rows of each key in `keys` (the key is the first CSV field). */
export function truncateKeys(csv: string, keys: ReadonlySet<string>, keep: number): string {
  const lines = csv.trimEnd().split('\n');
  const seen = new Map<string, number>();
  const out = [lines[0]];
  for (let i = 1; i < lines.length; i++) {
    const key = lines[i].slice(0, lines[i].indexOf(','));
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (keys.has(key) && n > keep) continue;
    out.push(lines[i]);
  }
  return `${out.join('\n')}\n`;
}

/** Parses generated CSV (ts in epoch seconds) and keeps `columns` only, in that order. */
export function csvFrame(csv: string, columns: readonly string[]): Frame {
  const { frame, report } = parseCsvText(csv, { schema: { ts: { type: 'time', unit: 'seconds' } } });
  if (report.rowsRejected !== 0) throw new Error(`generated CSV: ${report.rowsRejected} rows rejected`);
  return selectColumns(frame, [...columns]);
}

/** A fresh temp folder, removed by `cleanup`. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `aimass-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Engine {
  readonly store: Store;
  readonly queue: LocalQueue;
  close(): Promise<void>;
}

/** The SQLite store and the local queue on the same file in `dir`, as `aimass start` opens them. */
export async function openEngine(dir: string, leaseMs?: number): Promise<Engine> {
  const store = await openStore({ dataDir: dir });
  const queue = await openLocalQueue({ path: sqlitePathIn(dir), leaseMs });
  return {
    store,
    queue,
    async close() {
      await queue.close();
      await store.close();
    },
  };
}

/** Creates the fleet, puts its spec and imports the frame's rows per key. */
export async function createFleet(
  store: Store,
  spec: { name: string; key: string; time?: string | null } & Record<string, unknown>,
  frame: Frame,
): Promise<void> {
  await store.createFleet(spec.name);
  await store.putSpec(spec.name, spec);
  await importFrame(store, spec.name, frame, spec.key, spec.time ? { timeColumn: spec.time } : {});
}

/** Every model of the fleet matching `query`, following cursors with a small page to exercise paging. */
export async function allModels(
  store: Store,
  fleet: string,
  query: Omit<ModelQuery, 'cursor' | 'limit'> = {},
): Promise<ModelInfo[]> {
  const out: ModelInfo[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listModels(fleet, { ...query, limit: 7, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Every event of the fleet matching `query`. */
export async function allEvents(
  store: Store,
  fleet: string,
  query: Omit<EventQuery, 'cursor' | 'limit'> = {},
): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await store.listEvents(fleet, { ...query, limit: 100, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

/** Root mean squared error, from its definition. */
export function rmse(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (truth[i] - predicted[i]) ** 2;
  return Math.sqrt(sum / truth.length);
}

/** Share of equal values. */
export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Relative closeness for cross-checking a recorded metric against its recomputation. */
export function near(actual: number, expected: number, rtol = 1e-9): boolean {
  return Math.abs(actual - expected) <= rtol * Math.max(1, Math.abs(expected));
}
