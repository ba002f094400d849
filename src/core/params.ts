import { paramError } from './errors.ts';

/**
 * A tiny declarative validator for estimator / transformer params. Params are plain JSON-safe
 * objects; `resolveParams` applies defaults in one place, rejects unknown fields and freezes.
 */
export type FieldRule =
  | {
      type: 'number';
      min?: number;
      max?: number;
      exclusiveMin?: boolean;
      exclusiveMax?: boolean;
      integer?: boolean;
      nullable?: boolean;
    }
  | { type: 'boolean' }
  | { type: 'string'; nullable?: boolean; maxLength?: number }
  | { type: 'enum'; values: readonly (string | number)[] }
  | { type: 'numberArray'; min?: number; integer?: boolean; minLength?: number }
  | { type: 'stringArray'; minLength?: number; nullable?: boolean }
  | { type: 'any' };

export type ParamRules<P> = { [K in keyof P]-?: FieldRule };

export function resolveParams<P extends object>(
  owner: string,
  defaults: P,
  rules: ParamRules<P>,
  given: unknown,
): Readonly<P> {
  if (given !== undefined && (given === null || typeof given !== 'object' || Array.isArray(given))) {
    throw paramError(owner, '(params)', given, 'an object');
  }
  const input = (given ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!(key in rules))
      throw paramError(owner, key, input[key], `one of the known fields: ${Object.keys(rules).join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(rules) as (keyof P & string)[]) {
    const value = input[key] === undefined ? defaults[key] : input[key];
    checkField(owner, key, value, rules[key]);
    out[key] = Array.isArray(value) ? Object.freeze([...value]) : value;
  }
  return Object.freeze(out) as Readonly<P>;
}

function checkField(owner: string, field: string, value: unknown, rule: FieldRule): void {
  switch (rule.type) {
    case 'any':
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw paramError(owner, field, value, 'a boolean');
      return;
    case 'string':
      if (value === null && rule.nullable) return;
      if (typeof value !== 'string' || (rule.maxLength !== undefined && value.length > rule.maxLength)) {
        throw paramError(
          owner,
          field,
          value,
          `a string${rule.maxLength ? ` of at most ${rule.maxLength} characters` : ''}`,
        );
      }
      return;
    case 'enum':
      if (!rule.values.includes(value as string | number)) {
        throw paramError(
          owner,
          field,
          value,
          `one of ${rule.values.map((v) => JSON.stringify(v)).join(', ')}`,
        );
      }
      return;
    case 'number':
      if (value === null && rule.nullable) return;
      if (typeof value !== 'number' || !Number.isFinite(value) || !numberInRange(value, rule)) {
        throw paramError(owner, field, value, describeNumber(rule));
      }
      return;
    case 'numberArray':
      if (!Array.isArray(value) || value.length < (rule.minLength ?? 0)) {
        throw paramError(
          owner,
          field,
          value,
          `an array of numbers${rule.minLength ? ` (at least ${rule.minLength})` : ''}`,
        );
      }
      for (const item of value) {
        if (
          typeof item !== 'number' ||
          !Number.isFinite(item) ||
          (rule.integer && !Number.isInteger(item)) ||
          (rule.min !== undefined && item < rule.min)
        ) {
          throw paramError(
            owner,
            field,
            value,
            `an array of ${rule.integer ? 'integers' : 'finite numbers'}${rule.min !== undefined ? ` >= ${rule.min}` : ''}`,
          );
        }
      }
      return;
    case 'stringArray':
      if (value === null && rule.nullable) return;
      if (
        !Array.isArray(value) ||
        value.length < (rule.minLength ?? 0) ||
        value.some((v) => typeof v !== 'string')
      ) {
        throw paramError(
          owner,
          field,
          value,
          `an array of strings${rule.minLength ? ` (at least ${rule.minLength})` : ''}`,
        );
      }
      return;
  }
}

function numberInRange(value: number, rule: Extract<FieldRule, { type: 'number' }>): boolean {
  if (rule.integer && !Number.isInteger(value)) return false;
  if (rule.min !== undefined && (rule.exclusiveMin ? value <= rule.min : value < rule.min)) return false;
  if (rule.max !== undefined && (rule.exclusiveMax ? value >= rule.max : value > rule.max)) return false;
  return true;
}

function describeNumber(rule: Extract<FieldRule, { type: 'number' }>): string {
  const parts = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`${rule.exclusiveMin ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`${rule.exclusiveMax ? '<' : '<='} ${rule.max}`);
  return parts.join(' ') + (rule.nullable ? ' or null' : '');
}
