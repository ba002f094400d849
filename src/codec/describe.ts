import type { WeightsQuantization } from '../core/binary.ts';
import { decodeLaidOut } from './bundle.ts';
import { parseLayout, type SectionEntry, type StateRef } from './layout.ts';
import type { BundleMeta } from './meta.ts';

export interface BundleDescription {
  readonly byteLength: number;
  readonly formatVersion: number;
  readonly quantize: WeightsQuantization;
  readonly model: StateRef & { readonly byteLength: number };
  readonly pipeline: (StateRef & { readonly byteLength: number }) | null;
  readonly sections: readonly SectionEntry[];
  readonly meta: BundleMeta;
  readonly checksum: { readonly stored: number; readonly computed: number; readonly ok: boolean };
}

/**
 * What `aimass models show` prints. A checksum mismatch is reported (`checksum.ok` false), not
 * thrown, so a damaged blob can still be inspected; a broken frame or meta section still throws
 * CODEC_CORRUPT / CODEC_UNSUPPORTED.
 */
export function describeBundle(bytes: Uint8Array): BundleDescription {
  const layout = parseLayout(bytes, false);
  const decoded = decodeLaidOut(bytes, layout);
  return {
    byteLength: layout.byteLength,
    formatVersion: layout.formatVersion,
    quantize: layout.quantize,
    model: { ...layout.model, byteLength: decoded.model.bytes.length },
    pipeline:
      decoded.pipeline === null ? null : { ...layout.pipeline!, byteLength: decoded.pipeline.bytes.length },
    sections: layout.sections,
    meta: decoded.meta,
    checksum: layout.checksum,
  };
}

/** Human-readable lines for a terminal. */
export function formatBundleDescription(description: BundleDescription): string[] {
  const { meta } = description;
  const lines = [
    `bundle      ${description.byteLength} bytes, format v${description.formatVersion}, quantize ${description.quantize}`,
    `checksum    ${description.checksum.ok ? 'ok' : 'MISMATCH'} (crc32c 0x${description.checksum.stored.toString(16).padStart(8, '0')})`,
    `model       ${description.model.name} v${description.model.stateVersion} (${description.model.byteLength} bytes)`,
    `pipeline    ${description.pipeline === null ? 'none' : `${description.pipeline.name} v${description.pipeline.stateVersion} (${description.pipeline.byteLength} bytes)`}`,
    `fleet/key   ${meta.fleet} / ${meta.key}, version ${meta.version}, spec v${meta.specVersion}`,
    `trained     ${meta.trainingRows} rows${meta.dataRange === null ? '' : `, ${isoTime(meta.dataRange.minTimeMs)} .. ${isoTime(meta.dataRange.maxTimeMs)}`}, created ${isoTime(meta.createdAtMs)}`,
    `fallback    ${meta.fallbackReason ?? 'no (own model)'}`,
    `params      ${JSON.stringify(meta.params)}`,
  ];
  for (const [name, value] of Object.entries(meta.metrics)) lines.push(`metric      ${name} = ${value}`);
  for (const section of description.sections)
    lines.push(`section     ${section.kind.padEnd(8)} offset ${section.offset}, ${section.length} bytes`);
  return lines;
}

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}
