import type { BinaryReader } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';

/** Anything that can decode its own state: every Estimator, Forecaster and Transformer fits. */
export interface StateDecoder<S> {
  readonly name: string;
  readonly stateVersion: number;
  decode(reader: BinaryReader): S;
}

/**
 * A `decodeModel` / `decodePipeline` hook over a fixed list of decoders, chosen by exact name and
 * state version (nothing from the blob is ever used to load or evaluate code). An unknown name or a
 * version other than the decoder's own is CODEC_UNSUPPORTED.
 */
export function decoderFromRegistry<S>(
  decoders: Iterable<StateDecoder<S>>,
  what = 'algorithm',
): (name: string, stateVersion: number, reader: BinaryReader) => S {
  // A Map, not an object: a name like "__proto__" or "constructor" from a blob cannot hit anything.
  const byName = new Map<string, StateDecoder<S>>();
  for (const decoder of decoders) byName.set(decoder.name, decoder);
  return (name, stateVersion, reader) => {
    const decoder = byName.get(name);
    if (decoder === undefined)
      throw new AimassError('CODEC_UNSUPPORTED', `bundle: unknown ${what} "${name}"`, {
        value: name,
        expected: [...byName.keys()].join(', '),
      });
    if (decoder.stateVersion !== stateVersion)
      throw new AimassError(
        'CODEC_UNSUPPORTED',
        `bundle: ${what} "${name}" state version ${stateVersion} is not supported (this build reads version ${decoder.stateVersion})`,
        { value: stateVersion, expected: String(decoder.stateVersion) },
      );
    return decoder.decode(reader);
  };
}
