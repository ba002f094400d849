import type { WeightsQuantization } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';
import { crc32c } from './crc32c.ts';
import {
  align8,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MAGIC,
  CHECKSUM_BYTES,
  FIXED_HEADER_BYTES,
  isNameByte,
  KNOWN_FLAGS,
  MAX_NAME_LENGTH,
  quantizeFromFlags,
  SECTION_ENTRY_BYTES,
  SECTION_KIND_NAMES,
  type SectionKind,
} from './format.ts';

export interface SectionEntry {
  readonly kind: SectionKind;
  /** From the start of the blob. */
  readonly offset: number;
  readonly length: number;
}

export interface StateRef {
  readonly name: string;
  readonly stateVersion: number;
}

/** The checked frame of a bundle: where everything is, nothing decoded yet. */
export interface BundleLayout {
  readonly formatVersion: number;
  readonly quantize: WeightsQuantization;
  readonly byteLength: number;
  readonly model: StateRef;
  readonly pipeline: StateRef | null;
  readonly sections: readonly SectionEntry[];
  readonly checksum: { readonly stored: number; readonly computed: number; readonly ok: boolean };
}

function corrupt(reason: string, offset: number): AimassError {
  return new AimassError('CODEC_CORRUPT', `bundle: ${reason} at byte ${offset}`, { offset });
}

/**
 * Checks magic, format version, total length, checksum (unless disabled), flags, names, the
 * section table and every offset, length and padding byte. Order matters: the version is read
 * before the checksum so that a blob from a newer writer (which may checksum differently) is
 * CODEC_UNSUPPORTED rather than CODEC_CORRUPT.
 */
export function parseLayout(bytes: Uint8Array, verifyChecksum: boolean): BundleLayout {
  if (!(bytes instanceof Uint8Array))
    throw new AimassError('CODEC_CORRUPT', 'bundle: expected a Uint8Array of bundle bytes');
  if (bytes.length < FIXED_HEADER_BYTES + CHECKSUM_BYTES)
    throw corrupt(`only ${bytes.length} bytes, too short for a bundle`, 0);
  for (let i = 0; i < BUNDLE_MAGIC.length; i++)
    if (bytes[i] !== BUNDLE_MAGIC[i]) throw corrupt('not an aimass bundle (bad magic)', i);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const formatVersion = view.getUint16(4, true);
  if (formatVersion === 0) throw corrupt('format version 0', 4);
  if (formatVersion > BUNDLE_FORMAT_VERSION)
    throw new AimassError(
      'CODEC_UNSUPPORTED',
      `bundle: format version ${formatVersion} is newer than this reader (supports ≤ ${BUNDLE_FORMAT_VERSION}); upgrade aimass or the blob is corrupt`,
      { value: formatVersion, expected: `≤ ${BUNDLE_FORMAT_VERSION}` },
    );
  const byteLength = view.getUint32(8, true);
  if (byteLength !== bytes.length)
    throw corrupt(`header says ${byteLength} bytes but ${bytes.length} were given`, 8);
  const checksumAt = byteLength - CHECKSUM_BYTES;
  const stored = view.getUint32(checksumAt, true);
  const computed = crc32c(bytes, 0, checksumAt);
  if (verifyChecksum && stored !== computed)
    throw corrupt(`checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)})`, checksumAt);
  const flags = view.getUint16(6, true);
  if ((flags & ~KNOWN_FLAGS) !== 0)
    throw new AimassError('CODEC_UNSUPPORTED', `bundle: unknown flags ${hex(flags)} (a newer writer?)`, {
      value: flags,
    });
  const count = view.getUint16(12, true);
  if (count < 2 || count > 3) throw corrupt(`section count ${count} (expected 2 or 3)`, 12);
  const headerLength = view.getUint16(14, true);
  if (headerLength % 8 !== 0 || headerLength < FIXED_HEADER_BYTES || headerLength > checksumAt)
    throw corrupt(`header length ${headerLength}`, 14);

  let cursor = FIXED_HEADER_BYTES;
  const readName = (what: string, allowEmpty: boolean): string => {
    if (cursor + 1 > headerLength) throw corrupt(`${what} name past the header`, cursor);
    const length = bytes[cursor];
    if (length > MAX_NAME_LENGTH || (length === 0 && !allowEmpty) || cursor + 1 + length + 4 > headerLength)
      throw corrupt(`${what} name length ${length}`, cursor);
    let name = '';
    for (let i = cursor + 1; i <= cursor + length; i++) {
      if (!isNameByte(bytes[i])) throw corrupt(`${what} name has byte ${bytes[i]}`, i);
      name += String.fromCharCode(bytes[i]);
    }
    cursor += 1 + length;
    return name;
  };
  const readU32 = (): number => {
    const value = view.getUint32(cursor, true); // room checked by readName
    cursor += 4;
    return value;
  };
  const modelName = readName('model', false);
  const modelVersion = readU32();
  const pipelineName = readName('pipeline', true);
  const pipelineVersion = readU32();
  if (pipelineName === '' && pipelineVersion !== 0)
    throw corrupt(`pipeline state version ${pipelineVersion} without a pipeline`, cursor - 4);

  const tableEnd = cursor + count * SECTION_ENTRY_BYTES;
  if (align8(tableEnd) !== headerLength)
    throw corrupt(`section table ends at ${tableEnd}, header length is ${headerLength}`, cursor);
  checkZero(bytes, tableEnd, headerLength, 'header padding');

  const sections: SectionEntry[] = [];
  let expectedOffset = headerLength;
  let previousKind = 0;
  for (let i = 0; i < count; i++, cursor += SECTION_ENTRY_BYTES) {
    const kindCode = bytes[cursor];
    const kind = SECTION_KIND_NAMES[kindCode];
    if (kind === undefined || kindCode <= previousKind)
      throw corrupt(`section kind ${kindCode} (unknown, repeated or out of order)`, cursor);
    previousKind = kindCode;
    checkZero(bytes, cursor + 1, cursor + 4, 'section entry');
    const offset = view.getUint32(cursor + 4, true);
    const length = view.getUint32(cursor + 8, true);
    if (offset !== expectedOffset)
      throw corrupt(`${kind} section at offset ${offset}, expected ${expectedOffset}`, cursor + 4);
    if (length > checksumAt - offset)
      throw corrupt(`${kind} section of ${length} bytes runs past the end`, cursor + 8);
    expectedOffset = align8(offset + length);
    if (expectedOffset > checksumAt) throw corrupt(`${kind} section padding runs past the end`, cursor + 8);
    checkZero(bytes, offset + length, expectedOffset, `${kind} section padding`);
    sections.push({ kind, offset, length });
  }
  if (expectedOffset !== checksumAt)
    throw corrupt(`${checksumAt - expectedOffset} bytes after the last section`, expectedOffset);
  const kinds = sections.map((section) => section.kind);
  if (!kinds.includes('model') || !kinds.includes('meta'))
    throw corrupt('a model or meta section is missing', FIXED_HEADER_BYTES);
  if (kinds.includes('pipeline') !== (pipelineName !== ''))
    throw corrupt('pipeline section and pipeline name disagree', FIXED_HEADER_BYTES);

  return {
    formatVersion,
    quantize: quantizeFromFlags(flags),
    byteLength,
    model: { name: modelName, stateVersion: modelVersion },
    pipeline: pipelineName === '' ? null : { name: pipelineName, stateVersion: pipelineVersion },
    sections,
    checksum: { stored, computed, ok: stored === computed },
  };
}

function checkZero(bytes: Uint8Array, from: number, to: number, what: string): void {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) throw corrupt(`non-zero ${what}`, i);
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

export function sectionOf(layout: BundleLayout, kind: SectionKind): SectionEntry | null {
  return layout.sections.find((section) => section.kind === kind) ?? null;
}
