/**
 * 8-bit affine quantization of one float array: value = min + code * step, with codes 0..252 for
 * finite values and three reserved codes for the values an affine grid cannot hold. The grid spans
 * the finite min..max of the array, so the error of every finite value is at most step / 2
 * (plus the rounding of the decoder's one multiply-add).
 */

/** Codes 0..AFFINE8_LEVELS-1 are grid points. */
export const AFFINE8_LEVELS = 253;
export const AFFINE8_NAN = 253;
export const AFFINE8_NEGATIVE_INFINITY = 254;
export const AFFINE8_POSITIVE_INFINITY = 255;

export interface Affine8 {
  readonly min: number;
  /** Grid spacing, ≥ 0; 0 when every finite value is equal (then decoding is exact). */
  readonly step: number;
  readonly codes: Uint8Array;
}

/** Null when the finite range is too wide for a finite step (the caller keeps float64). */
export function encodeAffine8(values: Float64Array): Affine8 | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isFinite(value)) {
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (min > max) {
    min = 0; // no finite value at all
    max = 0;
  }
  const step = (max - min) / (AFFINE8_LEVELS - 1);
  if (!Number.isFinite(step)) return null;
  const codes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isNaN(value)) codes[i] = AFFINE8_NAN;
    else if (value === Number.NEGATIVE_INFINITY) codes[i] = AFFINE8_NEGATIVE_INFINITY;
    else if (value === Number.POSITIVE_INFINITY) codes[i] = AFFINE8_POSITIVE_INFINITY;
    else if (step === 0) codes[i] = 0;
    else {
      const code = Math.round((value - min) / step);
      codes[i] = Math.min(Math.max(code, 0), AFFINE8_LEVELS - 1);
    }
  }
  return { min, step, codes };
}

export function decodeAffine8(
  min: number,
  step: number,
  codes: Uint8Array,
  out = new Float64Array(codes.length),
): Float64Array {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    out[i] =
      code < AFFINE8_LEVELS
        ? min + code * step
        : code === AFFINE8_NAN
          ? Number.NaN
          : code === AFFINE8_NEGATIVE_INFINITY
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY;
  }
  return out;
}
