import type { WeightsQuantization } from '../core/binary.ts';

/**
 * Bundle layout, format version 1 (all integers little-endian):
 *
 *   0   4    magic "AIMB"
 *   4   2    format version (1)
 *   6   2    flags: bits 0-1 = quantization applied to learned floats (0 none, 1 f16, 2 i8, 3 f32);
 *            every other bit is 0 (a set bit means a newer writer: CODEC_UNSUPPORTED)
 *   8   4    total byte length, checksum included
 *   12  2    section count (2 or 3)
 *   14  2    header length = offset of the first section (a multiple of 8)
 *   16  1+n  model algorithm name (u8 length, 1..64 chars of [A-Za-z0-9._:-])
 *       4    model state version (u32)
 *       1+n  pipeline name (u8 length, 0 = the bundle has no pipeline)
 *       4    pipeline state version (u32, 0 without a pipeline)
 *       12×c section table: kind u8 (1 pipeline, 2 model, 3 meta), 3 zero bytes, offset u32
 *            (from the start of the blob), length u32; kinds strictly ascending
 *       0-7  zero padding up to the header length
 *   ...      the sections, in table order, each starting 8-aligned and zero padded to 8
 *   end-4 4  CRC-32C of every byte before it
 *
 * The layout is canonical (no gaps, no overlaps, no slack), so a decoder can reject any blob that
 * is not exactly what the encoder would write, even before the checksum is consulted.
 */
export const BUNDLE_MAGIC = Uint8Array.of(0x41, 0x49, 0x4d, 0x42); // "AIMB"
export const BUNDLE_FORMAT_VERSION = 1;
export const FIXED_HEADER_BYTES = 16;
export const SECTION_ENTRY_BYTES = 12;
export const CHECKSUM_BYTES = 4;
export const SECTION_ALIGNMENT = 8;
export const MAX_NAME_LENGTH = 64;
/** Flag bits a version-1 reader understands. */
export const KNOWN_FLAGS = 0b11;

export const SECTION_PIPELINE = 1;
export const SECTION_MODEL = 2;
export const SECTION_META = 3;

export type SectionKind = 'pipeline' | 'model' | 'meta';
export const SECTION_KIND_NAMES: Readonly<Record<number, SectionKind>> = {
  [SECTION_PIPELINE]: 'pipeline',
  [SECTION_MODEL]: 'model',
  [SECTION_META]: 'meta',
};

const QUANTIZE_FLAGS: readonly WeightsQuantization[] = ['none', 'f16', 'i8', 'f32'];

export function quantizeToFlags(mode: WeightsQuantization): number {
  return QUANTIZE_FLAGS.indexOf(mode);
}
export function quantizeFromFlags(flags: number): WeightsQuantization {
  return QUANTIZE_FLAGS[flags & 0b11];
}

export function align8(offset: number): number {
  return Math.ceil(offset / SECTION_ALIGNMENT) * SECTION_ALIGNMENT;
}

/** Algorithm and pipeline names: short printable ASCII identifiers, so headers stay tiny and safe to log. */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9._:-]{1,64}$/.test(name);
}

export function isNameByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x3a) || // 0-9 and ':'
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x2d
  );
}
