import type { BinaryReader, BinaryWriter } from '../core/binary.ts';
import type { Rng } from '../core/rng.ts';
import type { Frame } from '../data/frame.ts';

/** What a transformer may know about the fleet while fitting (never the test data). */
export interface FitContext {
  /** The target column: never transformed as a feature, never used to fit unsupervised steps. */
  readonly target?: string;
  /** The entity key column (lag features group by it). */
  readonly key?: string;
  /** The time column (time features and lags order by it). */
  readonly time?: string;
  readonly rng: Rng;
}

export interface TransformOptions {
  /**
   * Training mode may drop rows (duplicates, missing target, outliers in "drop" mode).
   * Prediction mode never drops or reorders rows: row i of the output is row i of the input.
   */
  readonly training?: boolean;
}

/**
 * One preprocessing step. `fit` learns a state from training data only; `transform` replays it
 * on any frame with exactly the same numbers, one row or a million. States are plain typed arrays
 * and scalars, encoded to a compact binary form that round-trips exactly.
 */
export interface Transformer<P extends object, S> {
  /** Stable name used in pipeline specs and the codec. */
  readonly name: string;
  readonly stateVersion: number;
  /** Applies defaults and validates; a bad value throws PARAM_INVALID naming the field. */
  params(given?: unknown): Readonly<P>;
  /** Never mutates `frame`. */
  fit(frame: Frame, params: unknown, context: FitContext): S;
  /** Never mutates `frame` or `state`. */
  transform(state: S, frame: Frame, options?: TransformOptions): Frame;
  encode(state: S, writer: BinaryWriter): void;
  /** Throws CODEC_CORRUPT on any malformed input. */
  decode(reader: BinaryReader): S;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds transformers of every param/state type.
export type AnyTransformer = Transformer<any, any>;
