import type { FleetSpec } from '../fleet/spec.ts';
import type { Store } from '../store/store.ts';

/**
 * Makes the fleet exist with `spec` as its current spec: created if missing, a new spec version
 * when the spec differs from the current one (compared after defaults are applied).
 */
export async function ensureFleet(
  store: Store,
  spec: FleetSpec,
): Promise<{ created: boolean; version: number; changed: boolean }> {
  let created = false;
  if (!(await store.getFleet(spec.name))) {
    await store.createFleet(spec.name);
    created = true;
  }
  const current = await store.getSpec(spec.name);
  if (current && JSON.stringify(current.spec) === JSON.stringify(spec))
    return { created, version: current.version, changed: false };
  return { created, version: await store.putSpec(spec.name, spec), changed: true };
}
