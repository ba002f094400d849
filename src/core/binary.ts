import { AFFINE8_LEVELS, decodeAffine8, encodeAffine8 } from './affine8.ts';
import { AimassError } from './errors.ts';
import { decodeFloat16Array, encodeFloat16Array, fitsFloat16 } from './float16.ts';

/** Encoding tags of `weights` arrays (the byte before the data). */
export const WEIGHTS_F64 = 0;
export const WEIGHTS_F16 = 1;
export const WEIGHTS_AFFINE8 = 2;
export const WEIGHTS_F32 = 3;

/**
 * How `BinaryWriter.weights` stores learned floats. 'none': exact float64. 'f32': float32, relative
 * error ≤ 2^-24 (absolute ≤ 2^-150 below 2^-126). 'f16': IEEE half, relative error ≤ 2^-11 (absolute ≤ 2^-25 below 2^-14).
 * 'i8': one byte per value on a per-array affine grid, absolute error ≤ step / 2 where
 * step = (finite max - finite min) / 252. NaN and ±Infinity survive every mode; -0 only the float ones.
 */
export type WeightsQuantization = 'none' | 'f16' | 'i8' | 'f32';

export interface BinaryWriterOptions {
  /** Encoding of `weights()` arrays; everything else is always exact. Default 'none'. */
  readonly quantize?: WeightsQuantization;
}

// A finite value that float32 would turn into Infinity forces float64.
function fitsFloat32(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isFinite(value) && !Number.isFinite(Math.fround(value))) return false;
  }
  return true;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Little-endian binary writer for fitted states. Typed arrays are written length-prefixed and
 * aligned to their element size, so a reader can view or copy them without per-element work.
 */
export class BinaryWriter {
  private bytes: Uint8Array;
  private view: DataView;
  private length = 0;
  readonly quantize: WeightsQuantization;

  constructor(initialCapacity = 256, options: BinaryWriterOptions = {}) {
    this.bytes = new Uint8Array(initialCapacity);
    this.view = new DataView(this.bytes.buffer);
    const quantize = options.quantize ?? 'none';
    if (quantize !== 'none' && quantize !== 'f16' && quantize !== 'i8' && quantize !== 'f32')
      throw new AimassError('PARAM_INVALID', `BinaryWriter: unknown quantize mode ${String(quantize)}`, {
        field: 'quantize',
        value: quantize,
        expected: "'none' | 'f16' | 'i8' | 'f32'",
      });
    this.quantize = quantize;
  }

  get byteLength(): number {
    return this.length;
  }

  private reserve(extra: number): number {
    const needed = this.length + extra;
    if (needed > this.bytes.length) {
      let capacity = this.bytes.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.length;
    this.length = needed;
    return at;
  }

  align(to: number): void {
    const pad = (to - (this.length % to)) % to;
    if (pad > 0) {
      const at = this.reserve(pad);
      this.bytes.fill(0, at, this.length);
    }
  }

  u8(value: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, value);
  }
  u16(value: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, value, true);
  }
  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value, true);
  }
  i32(value: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, value, true);
  }
  f64(value: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, value, true);
  }
  bool(value: boolean): void {
    this.u8(value ? 1 : 0);
  }
  string(value: string): void {
    const encoded = textEncoder.encode(value);
    this.u32(encoded.length);
    const at = this.reserve(encoded.length);
    this.bytes.set(encoded, at);
  }
  /** `null` is written as length 0xFFFFFFFF. */
  nullableString(value: string | null): void {
    if (value === null) this.u32(0xffffffff);
    else this.string(value);
  }
  strings(values: readonly string[]): void {
    this.u32(values.length);
    for (const value of values) this.string(value);
  }
  rawBytes(values: Uint8Array): void {
    this.u32(values.length);
    const at = this.reserve(values.length);
    this.bytes.set(values, at);
  }
  private typed(values: ArrayBufferView & { length: number }, elementSize: number): void {
    this.u32(values.length);
    this.align(elementSize);
    const source = new Uint8Array(values.buffer, values.byteOffset, values.length * elementSize);
    const at = this.reserve(source.length);
    this.bytes.set(source, at);
  }
  f64Array(values: Float64Array): void {
    this.typed(values, 8);
  }
  f32Array(values: Float32Array): void {
    this.typed(values, 4);
  }
  i32Array(values: Int32Array): void {
    this.typed(values, 4);
  }
  u32Array(values: Uint32Array): void {
    this.typed(values, 4);
  }
  u16Array(values: Uint16Array): void {
    this.typed(values, 2);
  }
  i8Array(values: Int8Array): void {
    this.typed(values, 1);
  }
  u8Array(values: Uint8Array): void {
    this.typed(values, 1);
  }

  /**
   * Learned floats that may be stored lossily (weights, thresholds, leaf values): written with a
   * one-byte encoding tag so the codec's quantization setting can apply. Exact arrays (category
   * tables, counts, split features) must use the typed methods above instead.
   * Fallbacks keep the stated error bounds: an array with a finite value beyond the half range
   * (|x| ≥ 65520) is written as float32 in 'f16' mode (float64 if it overflows float32 too), and
   * an 'i8' array of ≤ 2 values or with an infinite finite range is written as exact float64
   * (it would not be smaller).
   */
  weights(values: Float64Array): void {
    const mode = this.quantize;
    if (mode === 'i8' && values.length > 2) {
      const quantized = encodeAffine8(values);
      if (quantized !== null) {
        this.u8(WEIGHTS_AFFINE8);
        this.f64(quantized.min);
        this.f64(quantized.step);
        this.u8Array(quantized.codes);
        return;
      }
    } else if (mode === 'f16' && fitsFloat16(values)) {
      this.u8(WEIGHTS_F16);
      this.u16Array(encodeFloat16Array(values));
      return;
    }
    if ((mode === 'f16' || mode === 'f32') && fitsFloat32(values)) {
      this.u8(WEIGHTS_F32);
      this.f32Array(Float32Array.from(values));
      return;
    }
    this.u8(WEIGHTS_F64);
    this.f64Array(values);
  }

  /** A copy of the written bytes, exactly `byteLength` long. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/**
 * The reader checks every length against the bytes that remain *before* allocating, so hostile
 * input fails with CODEC_CORRUPT instead of a huge allocation, a RangeError or a hang.
 * Positions are relative to the start of `bytes`; alignment assumes the writer started at an
 * 8-byte boundary of the same relative origin.
 */
export class BinaryReader {
  private readonly view: DataView;
  private position = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what = 'state',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.position;
  }
  get remaining(): number {
    return this.bytes.length - this.position;
  }

  corrupt(reason: string): AimassError {
    return new AimassError('CODEC_CORRUPT', `${this.what}: ${reason} at byte ${this.position}`, {
      offset: this.position,
    });
  }

  private take(count: number): number {
    if (!(count >= 0) || count > this.bytes.length - this.position)
      throw this.corrupt(`truncated (needs ${count} more bytes)`);
    const at = this.position;
    this.position += count;
    return at;
  }

  align(to: number): void {
    const pad = (to - (this.position % to)) % to;
    this.take(pad);
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }
  bool(): boolean {
    const value = this.u8();
    if (value > 1) throw this.corrupt(`boolean byte ${value}`);
    return value === 1;
  }
  /** A count that must not exceed `max` (guards loops over hostile counts). */
  count(max: number, what = 'count'): number {
    const value = this.u32();
    if (value > max) throw this.corrupt(`${what} ${value} exceeds ${max}`);
    return value;
  }
  /** An unsigned integer that must be < `limit`. */
  index(limit: number, what = 'index'): number {
    const value = this.u32();
    if (value >= limit) throw this.corrupt(`${what} ${value} out of range [0, ${limit})`);
    return value;
  }
  /** A finite f64, or NaN where `allowNaN`. */
  finite(what = 'value', allowNaN = false): number {
    const value = this.f64();
    if (!Number.isFinite(value) && !(allowNaN && Number.isNaN(value)))
      throw this.corrupt(`${what} is not finite`);
    return value;
  }
  string(): string {
    const length = this.u32();
    const at = this.take(length);
    try {
      return textDecoder.decode(this.bytes.subarray(at, at + length));
    } catch {
      throw this.corrupt('invalid UTF-8 string');
    }
  }
  nullableString(): string | null {
    if (this.remaining >= 4 && this.view.getUint32(this.position, true) === 0xffffffff) {
      this.position += 4;
      return null;
    }
    return this.string();
  }
  strings(): string[] {
    const count = this.count(this.remaining / 4, 'string count');
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.string();
    return out;
  }
  rawBytes(): Uint8Array {
    const length = this.u32();
    const at = this.take(length);
    return this.bytes.slice(at, at + length);
  }
  private typedBytes(elementSize: number): { at: number; length: number } {
    const length = this.u32();
    this.align(elementSize);
    if (length > (this.bytes.length - this.position) / elementSize)
      throw this.corrupt(`array of ${length} elements truncated`);
    const at = this.take(length * elementSize);
    return { at, length };
  }
  // Arrays are copied out: the decoded state must not alias (or keep alive) the input blob.
  f64Array(): Float64Array {
    const { at, length } = this.typedBytes(8);
    return new Float64Array(
      this.bytes.buffer.slice(this.bytes.byteOffset + at, this.bytes.byteOffset + at + length * 8),
    );
  }
  f32Array(): Float32Array {
    const { at, length } = this.typedBytes(4);
    return new Float32Array(
      this.bytes.buffer.slice(this.bytes.byteOffset + at, this.bytes.byteOffset + at + length * 4),
    );
  }
  i32Array(): Int32Array {
    const { at, length } = this.typedBytes(4);
    return new Int32Array(
      this.bytes.buffer.slice(this.bytes.byteOffset + at, this.bytes.byteOffset + at + length * 4),
    );
  }
  u32Array(): Uint32Array {
    const { at, length } = this.typedBytes(4);
    return new Uint32Array(
      this.bytes.buffer.slice(this.bytes.byteOffset + at, this.bytes.byteOffset + at + length * 4),
    );
  }
  u16Array(): Uint16Array {
    const { at, length } = this.typedBytes(2);
    return new Uint16Array(
      this.bytes.buffer.slice(this.bytes.byteOffset + at, this.bytes.byteOffset + at + length * 2),
    );
  }
  i8Array(): Int8Array {
    const { at, length } = this.typedBytes(1);
    return new Int8Array(
      this.bytes.buffer.slice(this.bytes.byteOffset + at, this.bytes.byteOffset + at + length),
    );
  }
  u8Array(): Uint8Array {
    const { at, length } = this.typedBytes(1);
    return this.bytes.slice(at, at + length);
  }

  /** Reads what `BinaryWriter.weights` wrote, whatever its encoding, as float64. */
  weights(): Float64Array {
    const tag = this.u8();
    if (tag === WEIGHTS_F64) return this.f64Array();
    if (tag === WEIGHTS_F16) return decodeFloat16Array(this.u16Array());
    if (tag === WEIGHTS_F32) return Float64Array.from(this.f32Array());
    if (tag === WEIGHTS_AFFINE8) {
      const min = this.f64();
      const step = this.f64();
      // The grid must stay finite up to its largest code.
      if (!Number.isFinite(min) || !(step >= 0) || !Number.isFinite(min + (AFFINE8_LEVELS - 1) * step))
        throw this.corrupt(`invalid affine grid (min ${min}, step ${step})`);
      return decodeAffine8(min, step, this.u8Array());
    }
    throw this.corrupt(`unknown weights encoding ${tag}`);
  }

  /** Throws unless every byte was consumed: trailing garbage is corruption too. */
  end(): void {
    if (this.position !== this.bytes.length)
      throw this.corrupt(`${this.bytes.length - this.position} unexpected trailing bytes`);
  }
}
