import type { CompiledPlan } from '../fleet/plan.ts';
import { FALLBACK_MARKER } from '../fleet/serving.ts';
import type { EntityResult, TrialRecord } from './entity-result.ts';
import type { FallbackChoice } from './fallback-set.ts';

/**
 * The record of an entity served by a fallback model, with `fallbackReason` saying why. Served by
 * the global model: an empty-bundle marker (serving answers with the fleet's `__fallback__`
 * model). Served by a cluster model: that model's bundle itself, so serving needs no lookup.
 */
export function fallbackResult(
  base: { key: string; rows: number; dataHash: string; plan: CompiledPlan; nowMs: number },
  reason: string,
  numbers: Record<string, number>,
  trials: readonly TrialRecord[],
  failure: string | null,
  choice: FallbackChoice | null = null,
): EntityResult {
  return {
    key: base.key,
    model: {
      key: base.key,
      bundle: choice?.recordBundle ?? FALLBACK_MARKER,
      algorithm: choice?.predictor.algorithm ?? 'fallback',
      params: {},
      metrics: {},
      trainStart: null,
      trainEnd: null,
      rowCount: base.rows,
      dataHash: base.dataHash,
      specVersion: base.plan.specVersion,
      fallbackReason: reason,
      status: 'champion',
    },
    decision: {
      outcome: 'fallback',
      reason,
      numbers: choice ? { ...numbers, fromCluster: choice.recordBundle.length > 0 ? 1 : 0 } : numbers,
    },
    trials,
    failure,
  };
}
