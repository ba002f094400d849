import assert from 'node:assert/strict';
import { type AimassError, isAimassError } from '../core/errors.ts';
import type { Store } from './store.ts';
import type { ModelInfo, NewModel, Page } from './types.ts';

/** Storage a conformance test runs on; `open` may be called again (after close) to reopen it. */
export interface StoreHarness {
  /** A new, not yet ready, store on this harness's storage. */
  open(): Store;
  /** Removes the storage. */
  destroy(): Promise<void>;
}

/** Registers one test that gets a ready store on fresh storage. */
export type WithStore = (name: string, body: (store: Store, harness: StoreHarness) => Promise<void>) => void;

/** A small distinct bundle: byte i = (seed + i) mod 256. */
export function testBundle(seed: number, bytes = 32): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = (seed + i) & 255;
  return out;
}

export function testModel(key: string, overrides: Partial<NewModel> = {}): NewModel {
  return {
    key,
    bundle: testBundle(key.length),
    algorithm: 'ridge',
    params: { alpha: 1 },
    metrics: { rmse: 1.5, r2: 0.5 },
    trainStart: 1000,
    trainEnd: 2000,
    rowCount: 10,
    dataHash: 'h',
    specVersion: 1,
    fallbackReason: null,
    ...overrides,
  };
}

/** Asserts the promise rejects with an AimassError of `code`; returns that error. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<AimassError> {
  let caught: AimassError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isAimassError(error), `expected an AimassError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    caught = error;
    return true;
  });
  return caught as AimassError;
}

export async function collect<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page: Page<T> = await fetch(cursor);
    all.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error('pagination did not terminate');
}

export function champions(history: readonly ModelInfo[]): number[] {
  return history.filter((m) => m.status === 'champion').map((m) => m.version);
}
