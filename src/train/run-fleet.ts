import { AimassError } from '../core/errors.ts';
import { type Frame, findColumn, takeFrameRows } from '../data/frame.ts';
import { isReservedKey } from '../fleet/keys.ts';
import { compilePlan, frameColumns, planFleet } from '../fleet/plan.ts';
import { type FleetSpec, validateFleetSpec } from '../fleet/spec.ts';
import type { Queue } from '../queue/queue.ts';
import type { Store } from '../store/store.ts';
import type { KeyFailure, NewEvent, NewModel, Run } from '../store/types.ts';
import { trainFallbacks } from './fallback-training.ts';
import { frameBuffers } from './frame-transfer.ts';
import { type ShardOutput, type ShardTask, trainShard } from './shard-worker.ts';
import { createThreadPool, defaultThreads, type ThreadPool } from './thread-pool.ts';
import { storedTrials, TrialFailureTally } from './trial-report.ts';

export interface TrainProgress {
  readonly runId: number;
  readonly entitiesDone: number;
  readonly entitiesTotal: number;
  readonly fallbacks: number;
  readonly failures: number;
  /** Trials (candidate configurations) that failed in the shards this call committed. */
  readonly trialsFailed: number;
  readonly elapsedMs: number;
  readonly modelsPerSecond: number;
  /** Seconds to go at the current rate (NaN before the first shard). */
  readonly etaSeconds: number;
}

export interface TrainSummary extends TrainProgress {
  readonly resumed: boolean;
  readonly shards: number;
  readonly shardsFailed: number;
  readonly status: Run['status'];
  /** Why those trials failed, most frequent first (each version's trials: `models show`). */
  readonly trialFailures: readonly {
    readonly reason: string;
    readonly count: number;
    readonly example: string;
  }[];
}

export interface TrainFleetOptions {
  readonly store: Store;
  readonly queue: Queue;
  readonly fleet: string;
  /** Worker threads; 0 trains in this thread. Default: one per core (AIMASS_THREADS overrides). */
  readonly threads?: number;
  /** Only these keys. Default: every key with data. */
  readonly keys?: readonly string[];
  /** Called after every committed shard. */
  readonly onProgress?: (progress: TrainProgress) => void;
  /** Called once the run exists (created or resumed), before any training. */
  readonly onRunStarted?: (runId: number) => void;
  /** Called after a shard's models are committed, with its keys (serving invalidates its cache). */
  readonly onShardCommitted?: (keys: readonly string[]) => void;
  /** Aborting stops taking shards, waits for those in flight, and cancels the run. */
  readonly signal?: AbortSignal;
  /** Continue the fleet's unfinished run for the same spec version if there is one. Default true. */
  readonly resume?: boolean;
  /** Keys sampled for the global fallback model. Default 200. */
  readonly fallbackSampleKeys?: number;
  /** Attempts per shard before it is marked failed for good. Default 3. */
  readonly shardAttempts?: number;
}

/**
 * An entity whose search the safety-net time cap cut short: recorded, because its choice now depends
 * on machine speed (raise `budget.maxMillis` or lower `budget.maxTrials`).
 */
export function timeCappedEvent(
  key: string,
  runId: number,
  spec: FleetSpec,
  numbers: Readonly<Record<string, number>>,
): NewEvent {
  return {
    kind: 'time_capped',
    key,
    runId,
    reason: `search stopped by the time cap (budget.maxMillis ${spec.budget.maxMillis} ms) after ${numbers.trials ?? '?'} trials: this choice depends on machine speed`,
    numbers,
  };
}

/** The queue topic of a fleet's training shards. */
export function trainTopic(fleet: string): string {
  return `train.${fleet}`;
}

async function allKeys(store: Store, fleet: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listKeys(fleet, { limit: 1000, cursor });
    // Reserved keys hold fallback models, not entities (ingest refuses data for them).
    for (const item of page.items) if (!isReservedKey(item.key) && item.rowCount > 0) keys.push(item.key);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return keys;
}

/** One entity's rows, in time order when the fleet has a time column (stable; missing times last). */
async function entityRows(store: Store, fleet: string, key: string, spec: FleetSpec): Promise<Frame> {
  const frame = await store.readRows(fleet, key);
  if (!spec.time || frame.rowCount < 2) return frame;
  const column = findColumn(frame, spec.time);
  if (!column || (column.type !== 'time' && column.type !== 'number')) return frame;
  const times = column.values;
  let ordered = true;
  for (let i = 1; i < times.length && ordered; i++)
    ordered = !(times[i] < times[i - 1]) && !(Number.isNaN(times[i - 1]) && !Number.isNaN(times[i]));
  if (ordered) return frame;
  const order = Int32Array.from({ length: times.length }, (_, i) => i);
  const rank = (t: number) => (Number.isNaN(t) ? Number.POSITIVE_INFINITY : t);
  // Array sort is stable; entities are small (this runs once per entity and run).
  const sorted = Array.from(order).sort((a, b) => rank(times[a]) - rank(times[b]) || a - b);
  return takeFrameRows(frame, sorted);
}

async function findResumableRun(
  store: Store,
  fleet: string,
  specVersion: number,
  keyCount: number,
): Promise<Run | undefined> {
  const runs = await store.listRuns(fleet, { limit: 5 });
  return runs.items.find(
    (run) => run.status === 'running' && run.specVersion === specVersion && run.keyCount === keyCount,
  );
}

/**
 * Trains (or resumes training) every entity of a fleet from the data in the store. The run is cut
 * into shards of `spec.shardSize` keys; each shard is a job on the queue; a consumer reads the
 * shard's rows, trains them on the worker pool and commits the shard's models and its done mark in
 * one transaction, then acks. A killed run is resumed by calling this again: done shards are
 * skipped, leased ones come back when their lease expires, and one champion per key holds
 * throughout. Memory stays bounded by the shards in flight (threads + 1).
 */
export async function trainFleet(options: TrainFleetOptions): Promise<TrainSummary> {
  const { store, queue, fleet } = options;
  const specVersion = await store.getSpec(fleet);
  if (!specVersion) throw new AimassError('FLEET_NOT_FOUND', `fleet "${fleet}" has no spec`, { fleet });
  const spec = validateFleetSpec(specVersion.spec);
  const keys = options.keys ? [...options.keys] : await allKeys(store, fleet);
  if (keys.length === 0)
    throw new AimassError('DATA_INVALID', `fleet "${fleet}" has no data to train on`, { fleet });

  // Plan (and so check the spec against the data's columns) before anything reads by those columns.
  const sample = await store.readRows(fleet, keys[0]);
  const plan = planFleet(spec, specVersion.version, frameColumns(sample));
  let run =
    options.resume === false
      ? undefined
      : await findResumableRun(store, fleet, specVersion.version, keys.length);
  const resumed = run !== undefined;
  if (!run) {
    // An unfinished run of another spec version or key set is superseded: cancel it, so no run
    // stays 'running' forever.
    for (const stale of (await store.listRuns(fleet, { limit: 20 })).items.filter(
      (r) => r.status === 'running',
    )) {
      await store.cancelRun(stale.id);
      await store.appendEvent(fleet, {
        kind: 'run_superseded',
        runId: stale.id,
        reason: 'a new run started before this one finished (spec or keys changed)',
        numbers: { keys: stale.keyCount },
      });
    }
    const shards = [];
    for (let i = 0; i < keys.length; i += spec.shardSize)
      shards.push({ keys: keys.slice(i, i + spec.shardSize) });
    run = await store.createRun(fleet, { specVersion: specVersion.version, keyCount: keys.length, shards });
  }
  const runId = run.id;
  options.onRunStarted?.(runId);
  const fallbackBundles = await trainFallbacks(
    store,
    compilePlan(plan),
    keys,
    run,
    options.fallbackSampleKeys ?? 200,
  );
  // Job ids are new for every invocation: the queue remembers finished ids (dedupe), and a shard
  // that failed for good in an earlier invocation must run again. A job left over from a killed
  // invocation may still be redelivered later; shards are idempotent and settle only once.
  const invocation = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  // Workers cache the compiled plan by this id: unique per invocation, since two stores (or two
  // runs in one process) can have the same fleet name and run id with different specs.
  const planId = `${fleet}:${runId}:${invocation}`;

  const allShards = await store.listShards(runId);
  const pending = allShards.filter((s) => s.status !== 'done');
  const shardKeys = new Map(allShards.map((s) => [s.shard, s.keys ?? []]));
  const topic = trainTopic(fleet);
  await queue.enqueue(
    topic,
    pending.map((s) => ({
      id: `${runId}:${s.shard}:${invocation}`,
      payload: new TextEncoder().encode(JSON.stringify({ runId, shard: s.shard })),
    })),
  );

  const threads = options.threads ?? defaultThreads();
  const pool: ThreadPool<ShardTask, ShardOutput> | null =
    threads > 0 ? createThreadPool(new URL('./shard-worker.ts', import.meta.url), threads) : null;
  const started = performance.now();
  const doneBefore = allShards
    .filter((s) => s.status === 'done')
    .reduce((sum, s) => sum + (s.keys?.length ?? 0), 0);
  let entitiesDone = doneBefore;
  let fallbacks = 0;
  let failures = 0;
  const trialFailures = new TrialFailureTally();
  let shardsFailed = 0;
  const waiting = new Set(pending.map((s) => s.shard));
  const maxAttempts = options.shardAttempts ?? 3;
  const progress = (): TrainProgress => {
    const elapsedMs = performance.now() - started;
    const rate = (entitiesDone - doneBefore) / Math.max(elapsedMs / 1000, 1e-9);
    return {
      runId,
      entitiesDone,
      entitiesTotal: keys.length,
      fallbacks,
      failures,
      trialsFailed: trialFailures.failed,
      elapsedMs,
      modelsPerSecond: rate,
      etaSeconds: rate > 0 ? (keys.length - entitiesDone) / rate : Number.NaN,
    };
  };

  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
    if (waiting.size === 0) resolve();
  });
  const settle = (shard: number) => {
    waiting.delete(shard);
    if (waiting.size === 0) finish();
  };

  const consumer = queue.consume(
    topic,
    async (delivery) => {
      const { runId: jobRun, shard } = JSON.parse(new TextDecoder().decode(delivery.payload)) as {
        runId: number;
        shard: number;
      };
      if (jobRun !== runId) return; // a job of an older run of this fleet: nothing to do.
      if (!(await store.markShardRunning(runId, shard))) return settle(shard);
      try {
        const entities: { key: string; frame: Frame }[] = [];
        for (const key of shardKeys.get(shard) ?? [])
          entities.push({ key, frame: await entityRows(store, fleet, key, spec) });
        const task: ShardTask = { planId, plan, fallbacks: fallbackBundles, entities, nowMs: Date.now() };
        const output = pool
          ? await pool.run(
              task,
              entities.flatMap((e) => frameBuffers(e.frame)),
            )
          : trainShard(task);
        // Each version keeps the trials behind its choice (`aimass models show` lists them).
        const models: NewModel[] = output.results.map((r) =>
          r.trials.length > 0 ? { ...r.model, trials: storedTrials(r.trials) } : r.model,
        );
        const keyFailures: KeyFailure[] = output.results
          .filter((r) => r.failure !== null && r.decision.outcome === 'fallback')
          .map((r) => ({ key: r.key, reason: r.failure as string }));
        // Decisions other than "own model chosen" are events, committed with the shard itself.
        const decisions: NewEvent[] = output.results
          .filter((r) => r.decision.outcome !== 'local')
          .map((r) => ({
            kind: r.decision.outcome === 'fallback' ? 'fallback' : 'baseline',
            key: r.key,
            runId,
            reason: r.decision.reason,
            numbers: r.decision.numbers,
          }));
        for (const r of output.results)
          if (r.decision.numbers.timeCapped)
            decisions.push(timeCappedEvent(r.key, runId, spec, r.decision.numbers));
        const result = await store.markShardDone(runId, shard, models, keyFailures, decisions);
        options.onShardCommitted?.(models.map((m) => m.key));
        if (!result.alreadyDone) {
          fallbacks += decisions.filter((d) => d.kind === 'fallback').length;
          failures += keyFailures.length;
          for (const r of output.results) trialFailures.add(r.trials);
          entitiesDone += models.length;
        }
        options.onProgress?.(progress());
        settle(shard);
      } catch (error) {
        if (error instanceof AimassError && error.code === 'CANCELLED') return settle(shard);
        await store.markShardFailed(runId, shard, String((error as Error)?.message ?? error));
        if (delivery.attempt >= maxAttempts) {
          shardsFailed++;
          settle(shard);
          return;
        }
        throw error;
      }
    },
    { concurrency: Math.max(1, threads) + 1, pollIntervalMs: 50 },
  );

  const onAbort = () => {
    void store.cancelRun(runId).finally(finish);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await finished;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await consumer.stop();
    await pool?.close();
  }
  const finalRun = await store.getRun(runId);
  return {
    ...progress(),
    resumed,
    shards: allShards.length,
    shardsFailed,
    status: finalRun?.status ?? 'running',
    trialFailures: trialFailures.byReason(),
  };
}
