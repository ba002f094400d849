import { type ParamRules, resolveParams } from '../../core/params.ts';

/**
 * `resolveParams` with a fast path: an object this resolver already returned (frozen, so it cannot
 * have changed) is accepted as is. A fleet fits thousands of entities with one resolved params object,
 * and re-validating it each time would cost as much as a small ridge fit.
 */
export function cachedParams<P extends object>(
  owner: string,
  defaults: P,
  rules: ParamRules<P>,
  /** Checks the rules cannot express (shapes of nested arrays); returns the (frozen) params to use. */
  refine?: (params: Readonly<P>) => Readonly<P>,
): (given: unknown) => Readonly<P> {
  const resolved = new WeakSet<object>();
  return (given) => {
    if (typeof given === 'object' && given !== null && resolved.has(given)) return given as Readonly<P>;
    const basic = resolveParams(owner, defaults, rules, given);
    const params = refine ? refine(basic) : basic;
    resolved.add(params);
    return params;
  };
}
