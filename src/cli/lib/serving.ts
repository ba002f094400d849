import { AimassError } from '../../core/errors.ts';
import { loadPredictor } from '../../fleet/load-predictor.ts';
import { resolveServing, routeOf, type ServedModel, SHORT_SERIES_REASON } from '../../fleet/serving.ts';
import { type FleetSpec, validateFleetSpec } from '../../fleet/spec.ts';
import type { Store } from '../../store/store.ts';

export type Served = ServedModel;

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

/** Resolves what serves `key` exactly as the server does (`resolveServing`), reading the store directly. */
export async function resolveServed(store: Store, fleet: string, key: string): Promise<Served> {
  const resolved = await resolveServing(
    fleet,
    key,
    async (lookupKey) => routeOf(await store.getChampion(fleet, lookupKey)),
    async () => (await store.getFleet(fleet)) !== undefined,
  );
  const record = resolved.model;
  return {
    predictor: loadPredictor(record.bundle),
    modelKey: resolved.modelKey,
    version: record.version,
    algorithm: record.algorithm,
    fallback: resolved.fallback,
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
  // A short forecast series has its own (simple) model: the reason is a note, not a fleet fallback.
  const why =
    served.fallback === null
      ? 'own model'
      : served.fallback === SHORT_SERIES_REASON
        ? 'own model for a short series: naive, drift, SES or damped Holt only'
        : `served by the fleet fallback, reason: ${served.fallback}`;
  return `model ${key} v${served.version} ${served.algorithm} (${why})`;
}
