export {
  type BundleDecoders,
  type BundleInfo,
  type BundleInput,
  type DecodeBundleOptions,
  type DecodedBundle,
  type DecodedBundleWith,
  decodeBundle,
  decodeBundleWith,
  type EncodeBundleOptions,
  encodeBundle,
  type StateBytes,
  type StateEncoder,
  type StateSection,
  stateSection,
} from './bundle.ts';
export { crc32c } from './crc32c.ts';
export { type BundleDescription, describeBundle, formatBundleDescription } from './describe.ts';
export { BUNDLE_FORMAT_VERSION, BUNDLE_MAGIC, type SectionKind } from './format.ts';
export type { SectionEntry, StateRef } from './layout.ts';
export type { BundleMeta } from './meta.ts';
export type { ParamObject, ParamValue } from './param-value.ts';
export { decoderFromRegistry, type StateDecoder } from './registry.ts';
