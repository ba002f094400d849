import { AimassError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { FALLBACK_KEY } from '../train/entity-result.ts';
import { loadPredictor } from '../train/load-predictor.ts';
import type { Predictor } from '../train/predictor.ts';
import { type FleetSpec, validateFleetSpec } from '../train/spec.ts';

/** Reason recorded when a key has no model record at all (the server uses the same word). */
export const UNKNOWN_KEY = 'unknown_key';

/** The model answering for a key: its own champion or the fleet fallback, and why. */
export interface Served {
  readonly predictor: Predictor;
  /** Key of the record that answers: the entity's own, or `__fallback__`. */
  readonly modelKey: string;
  readonly version: number;
  readonly algorithm: string;
  /** Why the fallback answers, or null for the entity's own model. */
  readonly fallback: string | null;
}

/** The fleet's current spec; FLEET_NOT_FOUND naming the fleet otherwise. */
export async function fleetSpec(store: Store, fleet: string): Promise<{ spec: FleetSpec; version: number }> {
  const current = await store.getSpec(fleet);
  if (!current) {
    const exists = await store.getFleet(fleet);
    throw new AimassError(
      'FLEET_NOT_FOUND',
      exists ? `fleet "${fleet}" has no spec yet` : `fleet "${fleet}" does not exist`,
      { fleet },
    );
  }
  return { spec: validateFleetSpec(current.spec), version: current.version };
}

/**
 * Resolves what serves `key` the way the server does: the champion's bundle; an empty bundle
 * (a "served by fallback" marker) or an unknown key → the champion of `__fallback__`.
 */
export async function resolveServed(store: Store, fleet: string, key: string): Promise<Served> {
  const record = await store.getChampion(fleet, key);
  if (record && record.bundle.length > 0) {
    const predictor = loadPredictor(record.bundle);
    return {
      predictor,
      modelKey: key,
      version: record.version,
      algorithm: record.algorithm,
      fallback: record.fallbackReason,
    };
  }
  const reason = record ? (record.fallbackReason ?? 'empty_bundle') : UNKNOWN_KEY;
  const fallback = key === FALLBACK_KEY ? undefined : await store.getChampion(fleet, FALLBACK_KEY);
  if (!fallback || fallback.bundle.length === 0)
    throw new AimassError(
      'MODEL_NOT_FOUND',
      `fleet "${fleet}" has no model for key "${key}" (${reason}) and no fallback model (train the fleet first)`,
      { fleet, key },
    );
  return {
    predictor: loadPredictor(fallback.bundle),
    modelKey: FALLBACK_KEY,
    version: fallback.version,
    algorithm: fallback.algorithm,
    fallback: reason,
  };
}

/** `dev-1 v3 ridge (own model)` / `__fallback__ v1 ridge (fleet fallback: too_few_rows)`. */
export function describeServed(served: {
  modelKey?: string;
  key?: string;
  version: number;
  algorithm: string;
  fallback: string | null;
}): string {
  const key = served.modelKey ?? served.key ?? '?';
  const why =
    served.fallback === null ? 'own model' : `served by the fleet fallback, reason: ${served.fallback}`;
  return `model ${key} v${served.version} ${served.algorithm} (${why})`;
}
