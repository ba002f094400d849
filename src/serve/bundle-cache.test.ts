import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isAimassError } from '../core/errors.ts';
import { FALLBACK_KEY } from '../fleet/keys.ts';
import type { Predictor } from '../fleet/predictor.ts';
import type { Store } from '../store/store.ts';
import { BundleCache } from './bundle-cache.ts';
import { ServeMetrics } from './metrics.ts';
import { countingLoader, decodeFakeBundle, fakeModel, tempStore } from './testing-fakes.ts';

let store: Store;
let cleanup: () => Promise<void>;

before(async () => {
  ({ store, cleanup } = await tempStore());
  await store.createFleet('f');
  await store.createFleet('g');
});
after(async () => cleanup());

/** Counts getChampion calls (the store read of a cache miss). */
function countingStore(inner: Store): Store & { reads: number } {
  const counter = { reads: 0 };
  return new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'reads') return counter.reads;
      const value = Reflect.get(target, name, receiver);
      if (name === 'getChampion')
        return (...args: Parameters<Store['getChampion']>) => {
          counter.reads++;
          return target.getChampion(...args);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store & { reads: number };
}

function cache(
  s: Store,
  loader: (b: Uint8Array) => Predictor | Promise<Predictor>,
  options: Partial<{ cacheMaxBytes: number; bundleBytesFactor: number; championTtlMs: number }> = {},
  now?: () => number,
) {
  const metrics = new ServeMetrics();
  const c = new BundleCache(
    s,
    loader,
    { cacheMaxBytes: 1 << 30, bundleBytesFactor: 1, championTtlMs: 0, ...options },
    metrics,
    now,
  );
  return { c, metrics };
}

test('100 concurrent requests for one cold key: exactly one store read and one load', async () => {
  await store.insertModel('f', fakeModel('cold', { task: 'regression', weight: 3 }));
  const loader = countingLoader({ delayMs: 20 });
  const s = countingStore(store);
  const { c, metrics } = cache(s, loader.load);
  const served = await Promise.all(Array.from({ length: 100 }, () => c.resolve('f', 'cold')));
  assert.equal(loader.loads, 1);
  assert.equal(s.reads, 1);
  assert.ok(served.every((m) => m.predictor === served[0].predictor && m.version === 1));
  assert.equal(metrics.bundleLoads.get(), 1);
  // Now hot: no store read at all.
  await c.resolve('f', 'cold');
  assert.equal(s.reads, 1);
  assert.equal(metrics.cacheHits.get(), 1);
});

test('different keys load in parallel', async () => {
  for (let i = 0; i < 5; i++)
    await store.insertModel('f', fakeModel(`par${i}`, { task: 'regression', weight: i }));
  let active = 0;
  let maxActive = 0;
  const loader = async (bytes: Uint8Array) => {
    active++;
    maxActive = Math.max(maxActive, active);
    await new Promise((resolve) => setTimeout(resolve, 20));
    active--;
    return decodeFakeBundle(bytes);
  };
  const { c } = cache(store, loader);
  await Promise.all(Array.from({ length: 5 }, (_, i) => c.resolve('f', `par${i}`)));
  assert.equal(maxActive, 5);
});

test('LRU eviction by accounted bytes keeps recently used entries', async () => {
  for (const k of ['a', 'b', 'c', 'd'])
    await store.insertModel('g', fakeModel(`lru-${k}`, { task: 'regression', weight: 1, bytes: 10_000 }));
  const loader = countingLoader();
  // 10,000 bytes × factor 2 + overhead per entry: room for two entries, not three.
  const { c, metrics } = cache(store, loader.load, { cacheMaxBytes: 50_000, bundleBytesFactor: 2 });
  await c.resolve('g', 'lru-a');
  await c.resolve('g', 'lru-b');
  assert.equal(c.stats().entries, 2);
  assert.ok(c.stats().bytes > 40_000 && c.stats().bytes <= 50_000, String(c.stats().bytes));
  await c.resolve('g', 'lru-a'); // a is now most recent
  await c.resolve('g', 'lru-c'); // evicts b
  assert.equal(metrics.cacheEvictions.get(), 1);
  assert.equal(loader.loads, 3);
  await c.resolve('g', 'lru-a');
  assert.equal(loader.loads, 3, 'a stayed cached');
  await c.resolve('g', 'lru-b');
  assert.equal(loader.loads, 4, 'b was evicted and reloaded');
  assert.ok(c.stats().bytes <= 50_000);
});

test('an entry larger than the whole budget is served but not cached', async () => {
  await store.insertModel('g', fakeModel('huge', { task: 'regression', weight: 1, bytes: 5_000 }));
  const loader = countingLoader();
  const { c } = cache(store, loader.load, { cacheMaxBytes: 4_000 });
  assert.equal((await c.resolve('g', 'huge')).version, 1);
  await c.resolve('g', 'huge');
  assert.equal(loader.loads, 2);
  assert.equal(c.stats().entries, 0);
  assert.equal(c.stats().bytes, 0);
});

test('unknown key: served by the fleet fallback, reason unknown_key; marker and full-bundle fallback records', async () => {
  await store.createFleet('fb');
  await store.insertModel('fb', fakeModel(FALLBACK_KEY, { task: 'regression', weight: 7 }));
  await store.insertModel(
    'fb',
    fakeModel(
      'sparse',
      { task: 'regression', weight: 0 },
      { bundle: new Uint8Array(0), fallbackReason: 'too_few_rows' },
    ),
  );
  await store.insertModel(
    'fb',
    fakeModel('own-copy', { task: 'regression', weight: 7 }, { fallbackReason: 'too_few_rows' }),
  );
  const loader = countingLoader();
  const { c } = cache(store, loader.load);
  const unknown = await c.resolve('fb', 'never-seen');
  assert.deepEqual([unknown.modelKey, unknown.version, unknown.fallback], [FALLBACK_KEY, 1, 'unknown_key']);
  const sparse = await c.resolve('fb', 'sparse');
  assert.deepEqual([sparse.modelKey, sparse.fallback], [FALLBACK_KEY, 'too_few_rows']);
  assert.equal(sparse.predictor, unknown.predictor, 'the fallback predictor is decoded once');
  const copy = await c.resolve('fb', 'own-copy');
  assert.deepEqual([copy.modelKey, copy.fallback], ['own-copy', 'too_few_rows']);
  assert.equal(loader.loads, 2);
  // The unknown key's lookup is cached too: a second request reads nothing.
  await c.resolve('fb', 'never-seen');
  assert.equal(loader.loads, 2);
});

test('no model and no fallback: MODEL_NOT_FOUND; unknown fleet: FLEET_NOT_FOUND', async () => {
  const { c } = cache(store, countingLoader().load);
  await assert.rejects(
    c.resolve('g', 'nope'),
    (e) => isAimassError(e, 'MODEL_NOT_FOUND') && e.context.key === 'nope',
  );
  await assert.rejects(c.resolve('no-such-fleet', 'k'), (e) => isAimassError(e, 'FLEET_NOT_FOUND'));
});

test('invalidate during an in-flight load: the old version never repopulates the cache', async () => {
  await store.insertModel('g', fakeModel('swap', { task: 'regression', weight: 1 }));
  const loader = countingLoader({ delayMs: 30 });
  const { c } = cache(store, loader.load);
  const early = c.resolve('g', 'swap'); // reads v1, then decodes slowly
  await new Promise((resolve) => setTimeout(resolve, 5));
  await store.insertModel('g', fakeModel('swap', { task: 'regression', weight: 2 }));
  c.invalidate('g', 'swap');
  const late = await c.resolve('g', 'swap');
  assert.equal((await early).version, 1, 'requests before the invalidation may finish on the old version');
  assert.equal(late.version, 2);
  assert.equal((await c.resolve('g', 'swap')).version, 2, 'the stale load did not overwrite the cache');
  assert.equal(loader.loads, 2);
});

test('invalidate(fleet) forgets every key of that fleet only', async () => {
  await store.insertModel('f', fakeModel('inv1', { task: 'regression', weight: 1 }));
  await store.insertModel('g', fakeModel('inv2', { task: 'regression', weight: 1 }));
  const loader = countingLoader();
  const { c } = cache(store, loader.load);
  await c.resolve('f', 'inv1');
  await c.resolve('g', 'inv2');
  c.invalidate('f');
  await c.resolve('f', 'inv1');
  await c.resolve('g', 'inv2');
  assert.equal(loader.loads, 3);
});

test('championTtlMs: a lookup older than the TTL is re-read', async () => {
  await store.insertModel('f', fakeModel('ttl', { task: 'regression', weight: 1 }));
  let clock = 0;
  const s = countingStore(store);
  const { c } = cache(s, countingLoader().load, { championTtlMs: 1000 }, () => clock);
  await c.resolve('f', 'ttl');
  clock = 999;
  await c.resolve('f', 'ttl');
  assert.equal(s.reads, 1);
  clock = 1000;
  await c.resolve('f', 'ttl');
  assert.equal(s.reads, 2);
});

test('a failed load is not cached and the next request retries', async () => {
  await store.insertModel('f', fakeModel('flaky', { task: 'regression', weight: 1 }));
  let fail = true;
  const loader = async (bytes: Uint8Array) => {
    if (fail) throw new Error('decode failed');
    return decodeFakeBundle(bytes);
  };
  const { c, metrics } = cache(store, loader);
  await assert.rejects(c.resolve('f', 'flaky'), /decode failed/);
  assert.equal(metrics.bundleLoadFailures.get(), 1);
  fail = false;
  assert.equal((await c.resolve('f', 'flaky')).version, 1);
});

test('fallback records carrying the same cluster bundle share one decoded predictor, accounted once', async () => {
  await store.createFleet('cl');
  const cluster = { task: 'regression' as const, weight: 4, bytes: 2_000 };
  for (const key of ['s1', 's2', 's3'])
    await store.insertModel(
      'cl',
      fakeModel(key, cluster, { fallbackReason: 'too_few_rows', algorithm: 'ridge' }),
    );
  await store.insertModel(
    'cl',
    fakeModel('s4', { ...cluster, weight: 5 }, { fallbackReason: 'too_few_rows' }),
  );
  const loader = countingLoader({ delayMs: 10 });
  const { c } = cache(store, loader.load, { bundleBytesFactor: 1 });
  const served = await Promise.all(['s1', 's2', 's3', 's1'].map((key) => c.resolve('cl', key)));
  assert.equal(loader.loads, 1, 'one decode for three keys of one cluster');
  assert.ok(served.every((m) => m.predictor === served[0].predictor));
  assert.deepEqual(
    served.map((m) => [m.modelKey, m.fallback]),
    [
      ['s1', 'too_few_rows'],
      ['s2', 'too_few_rows'],
      ['s3', 'too_few_rows'],
      ['s1', 'too_few_rows'],
    ],
  );
  const three = c.stats();
  assert.equal(three.shared, 1);
  // 2,000 bundle bytes once, plus three small per-key entries.
  assert.ok(three.bytes > 2_000 && three.bytes < 2_000 + 3 * 400, String(three.bytes));
  await c.resolve('cl', 's4');
  assert.equal(loader.loads, 2, 'a different bundle is a different predictor');
  assert.equal(c.stats().shared, 2);
  c.invalidate('cl', 's1');
  c.invalidate('cl', 's2');
  assert.equal(c.stats().shared, 2, 's3 still holds the shared predictor');
  c.invalidate('cl');
  assert.deepEqual([c.stats().entries, c.stats().shared, c.stats().bytes], [0, 0, 0]);
});
