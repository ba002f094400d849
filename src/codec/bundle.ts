import { BinaryReader, BinaryWriter, type WeightsQuantization } from '../core/binary.ts';
import { AimassError, paramError } from '../core/errors.ts';
import { crc32c } from './crc32c.ts';
import {
  align8,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_MAGIC,
  CHECKSUM_BYTES,
  FIXED_HEADER_BYTES,
  isValidName,
  quantizeToFlags,
  SECTION_ENTRY_BYTES,
  SECTION_META,
  SECTION_MODEL,
  SECTION_PIPELINE,
  type SectionKind,
} from './format.ts';
import { type BundleLayout, parseLayout, type SectionEntry, type StateRef } from './layout.ts';
import { type BundleMeta, readMeta, writeMeta } from './meta.ts';

/**
 * One fitted state to store: its codec identity plus either a `write` callback (preferred: it
 * receives a writer that applies the bundle's quantization to `weights()`) or already-encoded bytes.
 */
export type StateSection =
  | { readonly name: string; readonly stateVersion: number; readonly write: (writer: BinaryWriter) => void }
  | { readonly name: string; readonly stateVersion: number; readonly bytes: Uint8Array };

/** Anything with a codec identity and an encoder: every Estimator, Forecaster and Transformer fits. */
export interface StateEncoder<S> {
  readonly name: string;
  readonly stateVersion: number;
  encode(state: S, writer: BinaryWriter): void;
}

/** The section for `state` written by `encoder` (e.g. `stateSection(ridge, fitted)`). */
export function stateSection<S>(encoder: StateEncoder<S>, state: S): StateSection {
  return {
    name: encoder.name,
    stateVersion: encoder.stateVersion,
    write: (writer) => encoder.encode(state, writer),
  };
}

export interface BundleInput {
  readonly model: StateSection;
  /** The fitted preprocessing pipeline, or null when the model reads raw features. */
  readonly pipeline: StateSection | null;
  readonly meta: BundleMeta;
}

export interface EncodeBundleOptions {
  /**
   * Storage of learned floats written through `weights()` in `write` sections. Default 'none'
   * (exact). Pre-encoded `bytes` sections cannot be quantized: combining them is PARAM_INVALID.
   */
  readonly quantize?: WeightsQuantization;
}

export interface DecodeBundleOptions {
  /** Tests and forensic tools only (describeBundle): skip the CRC so structural checks stand alone. Default true. */
  readonly verifyChecksum?: boolean;
}

export interface StateBytes extends StateRef {
  /** A copy: it does not alias the input blob. */
  readonly bytes: Uint8Array;
}

export interface BundleInfo {
  readonly formatVersion: number;
  /** The quantization the encoder applied to learned floats. */
  readonly quantize: WeightsQuantization;
  readonly byteLength: number;
  readonly meta: BundleMeta;
}

export interface DecodedBundle extends BundleInfo {
  readonly model: StateBytes;
  readonly pipeline: StateBytes | null;
}

/** Decoders for the opaque sections; each must consume its reader completely. */
export interface BundleDecoders<M, P> {
  /** Unknown name or version: throw CODEC_UNSUPPORTED (see `decoderFromRegistry`). */
  decodeModel(name: string, stateVersion: number, reader: BinaryReader): M;
  decodePipeline(name: string, stateVersion: number, reader: BinaryReader): P;
}

export interface DecodedBundleWith<M, P> extends BundleInfo {
  readonly model: StateRef & { readonly state: M };
  readonly pipeline: (StateRef & { readonly state: P }) | null;
}

function encodeState(section: StateSection, what: string, quantize: WeightsQuantization): Uint8Array {
  if (!isValidName(section.name))
    throw paramError('encodeBundle', `${what}.name`, section.name, '1..64 characters of [A-Za-z0-9._:-]');
  if (
    !Number.isInteger(section.stateVersion) ||
    section.stateVersion < 0 ||
    section.stateVersion > 0xffffffff
  )
    throw paramError('encodeBundle', `${what}.stateVersion`, section.stateVersion, 'an integer in [0, 2^32)');
  if ('write' in section) {
    const writer = new BinaryWriter(256, { quantize });
    section.write(writer);
    return writer.finish();
  }
  if (!(section.bytes instanceof Uint8Array))
    throw paramError('encodeBundle', `${what}.bytes`, section.bytes, 'a Uint8Array (or give write)');
  if (quantize !== 'none')
    throw paramError(
      'encodeBundle',
      `${what}.bytes`,
      '(pre-encoded bytes)',
      `a write callback when quantize is '${quantize}'`,
    );
  return section.bytes;
}

/** Encodes one bundle; bad input is PARAM_INVALID naming the field. */
export function encodeBundle(bundle: BundleInput, options: EncodeBundleOptions = {}): Uint8Array {
  const quantize = options.quantize ?? 'none';
  const flags = quantizeToFlags(quantize);
  if (flags < 0) throw paramError('encodeBundle', 'quantize', quantize, "'none' | 'f16' | 'i8' | 'f32'");
  const model = encodeState(bundle.model, 'model', quantize);
  const pipeline = bundle.pipeline === null ? null : encodeState(bundle.pipeline, 'pipeline', quantize);
  const metaWriter = new BinaryWriter(256);
  writeMeta(metaWriter, bundle.meta);
  const meta = metaWriter.finish();

  const modelName = bundle.model.name;
  const pipelineName = bundle.pipeline?.name ?? '';
  const sections: [number, Uint8Array][] = [];
  if (pipeline !== null) sections.push([SECTION_PIPELINE, pipeline]);
  sections.push([SECTION_MODEL, model], [SECTION_META, meta]);
  const headerLength = align8(
    FIXED_HEADER_BYTES +
      1 +
      modelName.length +
      4 +
      1 +
      pipelineName.length +
      4 +
      sections.length * SECTION_ENTRY_BYTES,
  );
  let end = headerLength;
  const offsets = sections.map(([, data]) => {
    const offset = end;
    end = align8(offset + data.length);
    return offset;
  });
  const byteLength = end + CHECKSUM_BYTES;
  if (byteLength > 0xffffffff)
    throw new AimassError(
      'LIMIT_EXCEEDED',
      `encodeBundle: ${byteLength} bytes exceeds the 4 GiB format limit`,
    );

  const bytes = new Uint8Array(byteLength); // zero-filled: all padding is already zero
  const view = new DataView(bytes.buffer);
  bytes.set(BUNDLE_MAGIC, 0);
  view.setUint16(4, BUNDLE_FORMAT_VERSION, true);
  view.setUint16(6, flags, true);
  view.setUint32(8, byteLength, true);
  view.setUint16(12, sections.length, true);
  view.setUint16(14, headerLength, true);
  let cursor = FIXED_HEADER_BYTES;
  const writeName = (name: string, version: number) => {
    bytes[cursor++] = name.length;
    for (let i = 0; i < name.length; i++) bytes[cursor++] = name.charCodeAt(i);
    view.setUint32(cursor, version, true);
    cursor += 4;
  };
  writeName(modelName, bundle.model.stateVersion);
  writeName(pipelineName, bundle.pipeline?.stateVersion ?? 0);
  sections.forEach(([kind, data], i) => {
    bytes[cursor] = kind;
    view.setUint32(cursor + 4, offsets[i], true);
    view.setUint32(cursor + 8, data.length, true);
    cursor += SECTION_ENTRY_BYTES;
    bytes.set(data, offsets[i]);
  });
  view.setUint32(end, crc32c(bytes, 0, end), true);
  return bytes;
}

function sectionBytes(bytes: Uint8Array, layout: BundleLayout, kind: SectionKind): Uint8Array | null {
  const entry: SectionEntry | undefined = layout.sections.find((section) => section.kind === kind);
  return entry === undefined ? null : bytes.subarray(entry.offset, entry.offset + entry.length);
}

function decodeMetaSection(bytes: Uint8Array, layout: BundleLayout): BundleMeta {
  const reader = new BinaryReader(sectionBytes(bytes, layout, 'meta')!, 'bundle meta');
  const meta = readMeta(reader);
  reader.end();
  return meta;
}

function info(layout: BundleLayout, meta: BundleMeta): BundleInfo {
  return {
    formatVersion: layout.formatVersion,
    quantize: layout.quantize,
    byteLength: layout.byteLength,
    meta,
  };
}

/**
 * Checks the whole frame and decodes the metadata; the pipeline and model states come back as
 * opaque bytes. Fails with CODEC_CORRUPT or CODEC_UNSUPPORTED only.
 */
export function decodeBundle(bytes: Uint8Array, options: DecodeBundleOptions = {}): DecodedBundle {
  return decodeLaidOut(bytes, parseLayout(bytes, options.verifyChecksum ?? true));
}

/** `decodeBundle` after `parseLayout` (describeBundle reuses the layout it already checked). */
export function decodeLaidOut(bytes: Uint8Array, layout: BundleLayout): DecodedBundle {
  const meta = decodeMetaSection(bytes, layout);
  const pipeline = sectionBytes(bytes, layout, 'pipeline');
  return {
    ...info(layout, meta),
    model: { ...layout.model, bytes: sectionBytes(bytes, layout, 'model')!.slice() },
    pipeline: layout.pipeline === null ? null : { ...layout.pipeline, bytes: pipeline!.slice() },
  };
}

/**
 * Decodes a bundle and its states through the given decoders, which run only after every frame
 * check passed. A decoder error that is not an AimassError (a RangeError from a bad index, a
 * TypeError...) becomes CODEC_CORRUPT; AimassErrors (e.g. CODEC_UNSUPPORTED) pass through.
 */
export function decodeBundleWith<M, P>(
  bytes: Uint8Array,
  decoders: BundleDecoders<M, P>,
  options: DecodeBundleOptions = {},
): DecodedBundleWith<M, P> {
  const layout = parseLayout(bytes, options.verifyChecksum ?? true);
  const meta = decodeMetaSection(bytes, layout);
  const pipelineRef = layout.pipeline;
  const pipeline =
    pipelineRef === null
      ? null
      : {
          ...pipelineRef,
          state: runDecoder('pipeline', pipelineRef, sectionBytes(bytes, layout, 'pipeline')!, (reader) =>
            decoders.decodePipeline(pipelineRef.name, pipelineRef.stateVersion, reader),
          ),
        };
  const modelRef = layout.model;
  const model = {
    ...modelRef,
    state: runDecoder('model', modelRef, sectionBytes(bytes, layout, 'model')!, (reader) =>
      decoders.decodeModel(modelRef.name, modelRef.stateVersion, reader),
    ),
  };
  return { ...info(layout, meta), model, pipeline };
}

function runDecoder<T>(
  what: SectionKind,
  ref: StateRef,
  data: Uint8Array,
  decode: (reader: BinaryReader) => T,
): T {
  const label = `bundle ${what} state "${ref.name}" v${ref.stateVersion}`;
  const reader = new BinaryReader(data, label);
  try {
    const state = decode(reader);
    reader.end();
    return state;
  } catch (error) {
    if (error instanceof AimassError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AimassError(
      'CODEC_CORRUPT',
      `${label}: decoder failed at byte ${reader.offset}: ${reason}`,
      {
        section: what,
        algorithm: ref.name,
        offset: reader.offset,
      },
      { cause: error },
    );
  }
}
