/**
 * The naming rules of a fleet, in one place: fleet names, entity keys and the keys the engine
 * reserves for its own models. The store, the API schemas, ingest and the trainer all read them here.
 */

/** Fleet names: letters, digits, `_`, `.`, `-`; 1–64 characters (they appear in URLs and topics). */
export const FLEET_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** The same rule as JSON-schema text (for the HTTP API's path parameters). */
export const FLEET_NAME_SOURCE = FLEET_NAME_PATTERN.source;
export const FLEET_NAME_RULE = 'letters, digits, "_", "." or "-", 1–64 characters';

/** Entity keys: 1..KEY_MAX_LENGTH characters, no control characters. */
export const KEY_MAX_LENGTH = 256;
/** JSON-schema text of "no control characters" (the HTTP API's key fields). */
export const KEY_PATTERN_SOURCE = '^[^\\u0000-\\u001f\\u007f]+$';
// biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is exactly "no control characters"
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** Every key starting with this is the engine's, never an entity's (`__fallback__`, `__cluster__3`). */
export const RESERVED_KEY_PREFIX = '__';
/** The reserved key under which a fleet's global fallback model is stored. */
export const FALLBACK_KEY = '__fallback__';
/** Prefix of the reserved keys of cluster fallback models (`__cluster__0`, `__cluster__1`, …). */
export const CLUSTER_KEY_PREFIX = '__cluster__';

/** The reserved key of cluster `index`'s fallback model. */
export function clusterKey(index: number): string {
  return `${CLUSTER_KEY_PREFIX}${index}`;
}

/** True for keys the engine stores its own models under: never entity data. */
export function isReservedKey(key: string): boolean {
  return key.startsWith(RESERVED_KEY_PREFIX);
}

/** Why `key` cannot be an entity key, or null when it can. */
export function entityKeyProblem(key: string): string | null {
  if (key.length === 0) return 'the key is empty';
  if (key.length > KEY_MAX_LENGTH) return `the key has ${key.length} characters (at most ${KEY_MAX_LENGTH})`;
  if (CONTROL_CHARACTERS.test(key)) return 'the key contains control characters';
  if (isReservedKey(key))
    return `keys starting with "${RESERVED_KEY_PREFIX}" are reserved for the fleet's own models ("${FALLBACK_KEY}", "${CLUSTER_KEY_PREFIX}N")`;
  return null;
}

/** Why `name` cannot be a fleet name, or null when it can. */
export function fleetNameProblem(name: unknown): string | null {
  return typeof name === 'string' && FLEET_NAME_PATTERN.test(name) ? null : FLEET_NAME_RULE;
}
