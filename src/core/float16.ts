/**
 * IEEE 754 binary16 ("half") conversion, straight from float64 so there is a single rounding
 * (going through float32 first would round twice and can be off by one unit in the last place).
 */

/** Largest finite half: 65504. */
export const FLOAT16_MAX = 65504;
/** Magnitudes at or above this round to Infinity under round-to-nearest-even. */
export const FLOAT16_OVERFLOW = 65520;
/** Smallest positive normal half: 2^-14. */
export const FLOAT16_MIN_NORMAL = 2 ** -14;
/** The one NaN pattern the encoder writes (quiet NaN, payload dropped). */
export const FLOAT16_NAN_BITS = 0x7e00;

// For x >= 0: round to the nearest integer, ties to even.
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The half bit pattern nearest to `value` (round-to-nearest-even): NaN → 0x7e00, ±Infinity and
 * magnitudes ≥ 65520 → ±Infinity, the sign of zero kept, subnormals gradual.
 */
export function toFloat16Bits(value: number): number {
  if (Number.isNaN(value)) return FLOAT16_NAN_BITS;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude >= FLOAT16_OVERFLOW) return sign | 0x7c00;
  // Subnormal range: units of 2^-24; scaling by a power of two is exact. A result of 1024 is the
  // smallest normal, whose bit pattern is exactly 1024, so the carry needs no special case.
  if (magnitude < FLOAT16_MIN_NORMAL) return sign | roundHalfEven(magnitude * 2 ** 24);
  let exponent = Math.floor(Math.log2(magnitude));
  // log2 may be off by one right next to a power of two: fix it against exact powers.
  if (2 ** exponent > magnitude) exponent--;
  else if (2 ** (exponent + 1) <= magnitude) exponent++;
  const mantissa = roundHalfEven((magnitude / 2 ** exponent) * 1024); // in [1024, 2048]
  // A mantissa of 2048 carries into the exponent field, which is the right answer.
  return sign | (((exponent + 15) << 10) + (mantissa - 1024));
}

/** The float64 value of a half bit pattern (exact: every half is a double). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1024 + fraction) * 2 ** (exponent - 25);
}

/** True when no finite value would overflow to Infinity as a half. */
export function fitsFloat16(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude >= FLOAT16_OVERFLOW && magnitude !== Number.POSITIVE_INFINITY) return false;
  }
  return true;
}

export function encodeFloat16Array(values: Float64Array, out = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = toFloat16Bits(values[i]);
  return out;
}

export function decodeFloat16Array(bits: Uint16Array, out = new Float64Array(bits.length)): Float64Array {
  for (let i = 0; i < bits.length; i++) out[i] = fromFloat16Bits(bits[i]);
  return out;
}
