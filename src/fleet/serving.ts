import { AimassError } from '../core/errors.ts';
import { FALLBACK_KEY } from './keys.ts';
import type { Predictor } from './predictor.ts';

/**
 * Which model answers for a key, written once: the server's bundle cache and the CLI both call
 * `resolveServing`, each with its own way to look a key's champion up (cached or straight from the
 * store). The fleet layer knows nothing of the store: a lookup is any function below.
 */

/** The bundle stored for an entity served by the fleet fallback: empty; the record's reason says why. */
export const FALLBACK_MARKER = new Uint8Array(0);
/** Fallback reason for a key that has no model record at all. */
export const UNKNOWN_KEY_REASON = 'unknown_key';
/**
 * The reason stored with a short forecast series' own simple model (naive, drift, SES, damped
 * Holt): a note, not a fleet fallback; the series' own bundle answers.
 */
export const SHORT_SERIES_REASON = 'short_series';
/** Fallback reason for a record with an empty bundle and no reason (should not happen; reported, not hidden). */
export const EMPTY_BUNDLE_REASON = 'empty_bundle';

/** The parts of a champion record that decide routing. */
export interface ChampionLike {
  readonly bundle: Uint8Array;
  readonly fallbackReason: string | null;
}

/**
 * What a key's lookup found: a model that answers (`own`; a cluster fallback stored under the key
 * is one too, with its reason), or "ask the fleet's fallback" with the reason.
 */
export type KeyRoute<M> =
  | { readonly kind: 'own'; readonly model: M; readonly fallback: string | null }
  | { readonly kind: 'fallback'; readonly reason: string };

/** The model that answers a request, and how answers describe it. */
export interface ServedModel {
  readonly predictor: Predictor;
  /** Key of the model record that served: the entity's own, or `FALLBACK_KEY`. */
  readonly modelKey: string;
  readonly version: number;
  readonly algorithm: string;
  /** Why a fallback served, or null for the entity's own model. */
  readonly fallback: string | null;
}

/** How a champion record routes: an empty bundle is the "served by the fallback" marker. */
export function routeOf<R extends ChampionLike>(record: R | undefined): KeyRoute<R> {
  if (record === undefined) return { kind: 'fallback', reason: UNKNOWN_KEY_REASON };
  if (record.bundle.byteLength === 0)
    return { kind: 'fallback', reason: record.fallbackReason ?? EMPTY_BUNDLE_REASON };
  return { kind: 'own', model: record, fallback: record.fallbackReason };
}

/** The model that answers, with the reason a fallback answers (null for the entity's own model). */
export interface Resolved<M> {
  readonly model: M;
  /** `key` itself, or `FALLBACK_KEY` when the fleet's global fallback answers. */
  readonly modelKey: string;
  readonly fallback: string | null;
}

/**
 * Resolves `key` through the fallback chain: the key's own route; if that says "fallback", the
 * route of `FALLBACK_KEY`. MODEL_NOT_FOUND when neither has a model; `fleetExists` (asked only
 * then) turns that into FLEET_NOT_FOUND for a fleet that does not exist.
 */
export async function resolveServing<M>(
  fleet: string,
  key: string,
  lookup: (key: string) => KeyRoute<M> | Promise<KeyRoute<M>>,
  fleetExists: () => Promise<boolean>,
): Promise<Resolved<M>> {
  const own = await lookup(key);
  if (own.kind === 'own') return { model: own.model, modelKey: key, fallback: own.fallback };
  const global = key === FALLBACK_KEY ? undefined : await lookup(FALLBACK_KEY);
  if (global?.kind === 'own') return { model: global.model, modelKey: FALLBACK_KEY, fallback: own.reason };
  if (!(await fleetExists())) throw new AimassError('FLEET_NOT_FOUND', `no fleet "${fleet}"`, { fleet });
  throw new AimassError(
    'MODEL_NOT_FOUND',
    `fleet "${fleet}" has no model for key "${key}" (${own.reason}) and no fallback model (train the fleet first)`,
    { fleet, key, reason: own.reason },
  );
}
