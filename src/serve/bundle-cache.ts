import { createHash } from 'node:crypto';
import { AimassError, isAimassError } from '../core/errors.ts';
import type { Predictor } from '../fleet/predictor.ts';
import { resolveServing, routeOf, type ServedModel } from '../fleet/serving.ts';
import type { Store } from '../store/store.ts';
import type { ModelRecord } from '../store/types.ts';
import type { ServeMetrics } from './metrics.ts';

export interface BundleCacheOptions {
  /** Memory budget in bytes. */
  readonly cacheMaxBytes: number;
  /** Accounted bytes per predictor = bundleBytes × factor + ENTRY_OVERHEAD_BYTES. */
  readonly bundleBytesFactor: number;
  /** Lookups older than this are re-read; 0 = never expire. */
  readonly championTtlMs: number;
}

/** Fixed bookkeeping per entry (map slots, record objects, key strings). */
const ENTRY_OVERHEAD_BYTES = 256;

/** A cached lookup: a decoded model, or "serve this key with the fleet's fallback". */
type Entry =
  | {
      readonly kind: 'model';
      readonly served: ServedModel;
      /** Own bytes; a pooled predictor's bytes are accounted once, in its pool entry. */
      readonly bytes: number;
      readonly loadedAt: number;
      readonly pooled?: PoolEntry;
    }
  | {
      readonly kind: 'delegate';
      readonly reason: string;
      readonly bytes: number;
      readonly loadedAt: number;
      /** Last fallback answer built for this key, reused while the fallback model is the same. */
      lastServed?: ServedModel;
    };

/**
 * A predictor shared by every key whose fallback record carries the same bundle (a cluster
 * model): decoded once, accounted once, alive while one cache entry refers to it.
 */
interface PoolEntry {
  readonly id: string;
  readonly predictor: Promise<Predictor>;
  bytes: number;
  refs: number;
}

interface Flight {
  readonly fleet: string;
  readonly promise: Promise<Entry>;
  /** Set by `invalidate`: the result must not enter the cache (it may be an older version). */
  stale: boolean;
}

/**
 * The many-model cache: (fleet, key) → decoded predictor, LRU-bounded by accounted BYTES. One
 * entry holds both the champion lookup and the predictor, so a hot key never touches the store.
 * Concurrent misses of one key share one store read + decode (`inflight`); different keys load
 * in parallel. `invalidate` removes the entry and marks an in-flight load stale, so after a
 * promotion is acknowledged no new request can see the older version.
 */
export class BundleCache {
  /** Map iteration order is the LRU order: a hit re-inserts its entry at the end. */
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Flight>();
  /** Shared fallback predictors by fleet + bundle digest. */
  private readonly pool = new Map<string, PoolEntry>();
  private totalBytes = 0;

  constructor(
    private readonly store: Store,
    private readonly loadPredictor: (bytes: Uint8Array) => Predictor | Promise<Predictor>,
    private readonly options: BundleCacheOptions,
    private readonly metrics: ServeMetrics,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The model serving `key`: its own champion, or the fleet's fallback with the reason. */
  async resolve(fleet: string, key: string): Promise<ServedModel> {
    let delegate: (Entry & { kind: 'delegate' }) | undefined;
    const resolved = await resolveServing<ServedModel>(
      fleet,
      key,
      async (lookupKey) => {
        const entry = await this.lookup(fleet, lookupKey);
        if (entry.kind === 'model')
          return { kind: 'own', model: entry.served, fallback: entry.served.fallback };
        if (lookupKey === key) delegate = entry;
        return { kind: 'fallback', reason: entry.reason };
      },
      async () => (await this.store.getFleet(fleet)) !== undefined,
    );
    if (delegate === undefined) return resolved.model;
    // The fleet fallback answers: reuse the answer built for this key while the fallback is the same.
    const base = resolved.model;
    const last = delegate.lastServed;
    if (last !== undefined && last.predictor === base.predictor && last.version === base.version) return last;
    delegate.lastServed = { ...base, fallback: resolved.fallback };
    return delegate.lastServed;
  }

  /**
   * Forgets a key (or a whole fleet): call after promote / rollback / new training results. An
   * in-flight load of the key finishes for the requests already waiting on it, but does not
   * repopulate the cache, and later requests start a fresh load.
   */
  invalidate(fleet: string, key?: string): void {
    if (key !== undefined) {
      const id = entryId(fleet, key);
      const entry = this.entries.get(id);
      if (entry) this.remove(id, entry);
      const flight = this.inflight.get(id);
      if (flight) {
        flight.stale = true;
        this.inflight.delete(id);
      }
      return;
    }
    const prefix = `${fleet}\u0000`;
    for (const [id, entry] of this.entries) if (id.startsWith(prefix)) this.remove(id, entry);
    for (const [id, flight] of this.inflight) {
      if (flight.fleet === fleet) {
        flight.stale = true;
        this.inflight.delete(id);
      }
    }
  }

  /** Entries and accounted bytes, for /metrics. */
  stats(): { entries: number; shared: number; bytes: number; maxBytes: number; loading: number } {
    return {
      entries: this.entries.size,
      shared: this.pool.size,
      bytes: this.totalBytes,
      maxBytes: this.options.cacheMaxBytes,
      loading: this.inflight.size,
    };
  }

  private lookup(fleet: string, key: string): Promise<Entry> | Entry {
    const id = entryId(fleet, key);
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      if (this.options.championTtlMs === 0 || this.now() - hit.loadedAt < this.options.championTtlMs) {
        this.entries.delete(id);
        this.entries.set(id, hit);
        this.metrics.cacheHits.inc();
        return hit;
      }
      this.remove(id, hit);
    }
    this.metrics.cacheMisses.inc();
    const flight = this.inflight.get(id);
    if (flight !== undefined) return flight.promise;
    return this.startLoad(fleet, key, id);
  }

  private startLoad(fleet: string, key: string, id: string): Promise<Entry> {
    const flight: { fleet: string; promise: Promise<Entry>; stale: boolean } = {
      fleet,
      stale: false,
      promise: undefined as unknown as Promise<Entry>,
    };
    flight.promise = this.load(fleet, key).then(
      (entry) => {
        if (this.inflight.get(id) === flight) this.inflight.delete(id);
        if (!flight.stale) this.insert(id, entry);
        else if (entry.kind === 'model' && entry.pooled) this.dropUnused(entry.pooled);
        return entry;
      },
      (error: unknown) => {
        if (this.inflight.get(id) === flight) this.inflight.delete(id);
        throw error;
      },
    );
    this.inflight.set(id, flight);
    return flight.promise;
  }

  private async load(fleet: string, key: string): Promise<Entry> {
    const started = this.now();
    try {
      let record = await this.store.getChampion(fleet, key);
      const overhead = ENTRY_OVERHEAD_BYTES + 2 * (fleet.length + key.length);
      const route = routeOf(record);
      if (route.kind === 'fallback')
        return { kind: 'delegate', reason: route.reason, bytes: overhead, loadedAt: this.now() };
      record = route.model;
      // Fallback records of one cluster carry identical bundles: share one decoded predictor.
      let pooled: PoolEntry | undefined;
      let predictor: Predictor;
      if (record.fallbackReason !== null) {
        const id = `${fleet}\u0000${createHash('sha256').update(record.bundle).digest('base64')}`;
        pooled = this.pool.get(id);
        if (pooled === undefined) {
          const entry: PoolEntry = { id, predictor: this.decode(fleet, key, record), bytes: 0, refs: 0 };
          this.pool.set(id, entry);
          entry.predictor.catch(() => this.dropUnused(entry));
          pooled = entry;
        }
        predictor = await pooled.predictor;
        pooled.bytes = Math.ceil(predictor.bundleBytes * this.options.bundleBytesFactor);
      } else predictor = await this.decode(fleet, key, record);
      this.metrics.loadLatency.observe((this.now() - started) / 1000);
      const served: ServedModel = {
        predictor,
        modelKey: record.key,
        version: record.version,
        algorithm: record.algorithm,
        fallback: record.fallbackReason,
      };
      if (pooled !== undefined)
        return { kind: 'model', served, bytes: overhead, loadedAt: this.now(), pooled };
      const bytes = Math.ceil(predictor.bundleBytes * this.options.bundleBytesFactor) + overhead;
      return { kind: 'model', served, bytes, loadedAt: this.now() };
    } catch (error) {
      this.metrics.bundleLoadFailures.inc();
      throw error;
    }
  }

  private async decode(fleet: string, key: string, record: ModelRecord): Promise<Predictor> {
    try {
      const predictor = await this.loadPredictor(record.bundle);
      this.metrics.bundleLoads.inc();
      return predictor;
    } catch (error) {
      if (!isAimassError(error, 'CODEC_CORRUPT') && !isAimassError(error, 'CODEC_UNSUPPORTED')) throw error;
      throw new AimassError(
        error.code,
        `fleet "${fleet}", key "${key}": stored model version ${record.version} cannot be decoded (${error.message}); roll back or retrain it`,
        { fleet, key, version: record.version },
        { cause: error },
      );
    }
  }

  /** Forgets a pool entry no cache entry refers to (a stale or uncached load, a failed decode). */
  private dropUnused(pooled: PoolEntry): void {
    if (pooled.refs === 0 && this.pool.get(pooled.id) === pooled) this.pool.delete(pooled.id);
  }

  private insert(id: string, entry: Entry): void {
    const previous = this.entries.get(id);
    if (previous) this.remove(id, previous);
    const pooled = entry.kind === 'model' ? entry.pooled : undefined;
    const added = entry.bytes + (pooled !== undefined && pooled.refs === 0 ? pooled.bytes : 0);
    // An entry bigger than the whole budget is served but never cached (it would evict everything).
    if (added > this.options.cacheMaxBytes) {
      if (pooled) this.dropUnused(pooled);
      return;
    }
    this.entries.set(id, entry);
    this.totalBytes += entry.bytes;
    if (pooled !== undefined && pooled.refs++ === 0) {
      this.totalBytes += pooled.bytes;
      if (!this.pool.has(pooled.id)) this.pool.set(pooled.id, pooled);
    }
    while (this.totalBytes > this.options.cacheMaxBytes) {
      const oldest = this.entries.entries().next().value;
      if (oldest === undefined) break;
      this.remove(oldest[0], oldest[1]);
      this.metrics.cacheEvictions.inc();
    }
  }

  private remove(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.totalBytes -= entry.bytes;
    const pooled = entry.kind === 'model' ? entry.pooled : undefined;
    if (pooled !== undefined && --pooled.refs === 0) {
      this.totalBytes -= pooled.bytes;
      this.dropUnused(pooled);
    }
  }
}

/** Keys contain no control characters (validated at the edge), so NUL separates unambiguously. */
function entryId(fleet: string, key: string): string {
  return `${fleet}\u0000${key}`;
}
