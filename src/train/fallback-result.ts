import type { EntityResult, TrialRecord } from './entity-result.ts';
import { FALLBACK_MARKER } from './entity-result.ts';
import type { FleetPlan } from './fleet-plan.ts';

/**
 * The record of an entity served by the fleet's fallback model: an empty-bundle champion whose
 * `fallbackReason` says why (serving then answers with the fleet fallback and that reason).
 */
export function fallbackResult(
  base: { key: string; rows: number; dataHash: string; plan: FleetPlan; nowMs: number },
  reason: string,
  numbers: Record<string, number>,
  trials: readonly TrialRecord[],
  failure: string | null,
): EntityResult {
  return {
    key: base.key,
    model: {
      key: base.key,
      bundle: FALLBACK_MARKER,
      algorithm: 'fallback',
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
    decision: { outcome: 'fallback', reason, numbers },
    trials,
    failure,
  };
}
