import assert from 'node:assert/strict';

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

type Numeric = number | null | ArrayLike<number | null> | readonly (readonly (number | null)[])[];

function flatten(value: Numeric): (number | null)[] {
  if (value === null || typeof value === 'number') return [value];
  const out: (number | null)[] = [];
  for (let i = 0; i < value.length; i++) {
    const item = (value as ArrayLike<unknown>)[i];
    if (item !== null && typeof item === 'object') out.push(...flatten(item as Numeric));
    else out.push(item as number | null);
  }
  return out;
}

/**
 * Element-wise |actual - expected| <= atol + rtol * |expected|. `null` or NaN in `expected` means
 * NaN is required; ±Infinity must match exactly. On failure the message names the worst index.
 */
export function expectClose(
  actual: Numeric,
  expected: Numeric,
  { rtol = 1e-9, atol = 0 }: Tolerance = {},
  label = 'value',
): void {
  const a = flatten(actual);
  const e = flatten(expected);
  assert.equal(a.length, e.length, `${label}: length ${a.length} != expected ${e.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.length; i++) {
    const want = e[i] ?? Number.NaN;
    const got = a[i] ?? Number.NaN;
    let excess: number;
    if (Number.isNaN(want) || Number.isNaN(got))
      excess = Number.isNaN(want) && Number.isNaN(got) ? 0 : Number.POSITIVE_INFINITY;
    else if (!Number.isFinite(want) || !Number.isFinite(got))
      excess = want === got ? 0 : Number.POSITIVE_INFINITY;
    else excess = Math.abs(got - want) - (atol + rtol * Math.abs(want));
    if (excess > 0 && (worst < 0 || excess > worstExcess)) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const bad = e.filter((_, i) => {
      const want = e[i] ?? Number.NaN;
      const got = a[i] ?? Number.NaN;
      if (Number.isNaN(want) || Number.isNaN(got)) return !(Number.isNaN(want) && Number.isNaN(got));
      return !(Math.abs(got - want) <= atol + rtol * Math.abs(want));
    }).length;
    assert.fail(
      `${label}: ${bad} of ${e.length} elements out of tolerance (rtol=${rtol}, atol=${atol}); worst at index ${worst}: actual ${a[worst]}, expected ${e[worst]}, |diff| ${Math.abs((a[worst] ?? Number.NaN) - (e[worst] ?? Number.NaN))}`,
    );
  }
}
