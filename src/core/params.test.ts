import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAimassError } from './errors.ts';
import { type ParamRules, resolveParams } from './params.ts';

interface P {
  alpha: number;
  depth: number;
  mode: 'a' | 'b';
  flag: boolean;
  cols: string[] | null;
}
const defaults: P = { alpha: 1, depth: 3, mode: 'a', flag: false, cols: null };
const rules: ParamRules<P> = {
  alpha: { type: 'number', min: 0 },
  depth: { type: 'number', min: 1, integer: true },
  mode: { type: 'enum', values: ['a', 'b'] },
  flag: { type: 'boolean' },
  cols: { type: 'stringArray', nullable: true },
};

test('params: defaults applied and frozen', () => {
  const p = resolveParams('thing', defaults, rules, undefined);
  assert.deepEqual({ ...p }, defaults);
  assert.ok(Object.isFrozen(p));
  assert.equal(resolveParams('thing', defaults, rules, { alpha: 0.5 }).alpha, 0.5);
  assert.deepEqual(resolveParams('thing', defaults, rules, { cols: ['x'] }).cols, ['x']);
});

test('params: each bad value names its field', () => {
  const cases: [unknown, string][] = [
    [{ alpha: -1 }, 'alpha'],
    [{ alpha: Number.NaN }, 'alpha'],
    [{ alpha: '1' }, 'alpha'],
    [{ depth: 2.5 }, 'depth'],
    [{ mode: 'c' }, 'mode'],
    [{ flag: 1 }, 'flag'],
    [{ cols: [1] }, 'cols'],
    [{ unknownField: 1 }, 'unknownField'],
    [[1, 2], '(params)'],
  ];
  for (const [given, field] of cases) {
    assert.throws(
      () => resolveParams('thing', defaults, rules, given),
      (e: unknown) =>
        isAimassError(e, 'PARAM_INVALID') && e.context.field === field && e.message.includes(field),
      JSON.stringify(given),
    );
  }
});
