import type { Frame } from '../data/frame.ts';
import { FALLBACK_KEY } from '../fleet/keys.ts';
import { type CompiledPlan, compilePlan, type FleetPlan } from '../fleet/plan.ts';
import type { EntityResult } from './entity-result.ts';
import { decodeFallbacks, type FallbackBundles, type FallbackModels } from './fallback-set.ts';
import { trainEntity } from './train-entity.ts';

/** One shard's work as it crosses to a worker thread: frames travel with their buffers transferred. */
export interface ShardTask {
  /** Identifies the plan, so a worker compiles it and decodes its fallback models once, not per shard. */
  readonly planId: string;
  readonly plan: FleetPlan;
  readonly fallbacks: FallbackBundles;
  readonly entities: readonly { readonly key: string; readonly frame: Frame }[];
  readonly nowMs: number;
}

export interface ShardOutput {
  readonly results: EntityResult[];
  readonly millis: number;
}

let cached: { planId: string; plan: CompiledPlan; fallbacks: FallbackModels } | null = null;

/** Trains every entity of the shard; used in worker threads and, with one thread, in-process. */
export function trainShard(task: ShardTask): ShardOutput {
  const started = performance.now();
  // The plan is compiled and the fallbacks decoded once per plan and thread, not per shard.
  if (cached?.planId !== task.planId) {
    cached = {
      planId: task.planId,
      plan: compilePlan(task.plan),
      fallbacks: decodeFallbacks(task.fallbacks, FALLBACK_KEY),
    };
  }
  const { plan, fallbacks } = cached;
  const results = task.entities.map((entity) =>
    trainEntity(entity.key, entity.frame, plan, fallbacks, task.nowMs),
  );
  return { results, millis: performance.now() - started };
}

/** Worker-thread entry point (see thread-pool.ts): bundles go back as transferred buffers. */
export function handle(task: ShardTask): { value: ShardOutput; transfer: ArrayBuffer[] } {
  const output = trainShard(task);
  const transfer = output.results
    .map((r) => r.model.bundle.buffer as ArrayBuffer)
    .filter((b) => b.byteLength > 0);
  return { value: output, transfer: [...new Set(transfer)] };
}
