import { BinaryReader, BinaryWriter } from '../core/binary.ts';
import { AimassError, isAimassError } from '../core/errors.ts';
import type { ColumnType, Frame } from '../data/frame.ts';
import { findTransformer, transformerNames } from './registry.ts';
import type { AnyTransformer, FitContext, TransformOptions } from './transformer.ts';

/**
 * A preprocessing pipeline: plain JSON `{ steps: [{ step: 'impute', params: {...} }, ...] }`,
 * fitted step by step (each on the previous step's training-mode output, so row drops happen
 * during fit) and replayed in order. The fitted state encodes to bytes: step names, state
 * versions and each state's own bytes.
 */
export interface PipelineStepSpec {
  readonly step: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface PipelineSpec {
  readonly steps: readonly PipelineStepSpec[];
}

export interface PipelineStepState {
  readonly name: string;
  readonly transformer: AnyTransformer;
  readonly state: unknown;
}

export interface PipelineColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface PipelineState {
  readonly steps: readonly PipelineStepState[];
  readonly target: string | null;
  readonly key: string | null;
  readonly time: string | null;
  /** Columns of the transformed training frame, in order. */
  readonly columns: readonly PipelineColumn[];
}

/** Format of `encodePipeline`; bump on any layout change. */
export const PIPELINE_FORMAT_VERSION = 1;
const COLUMN_TYPES: readonly ColumnType[] = ['number', 'category', 'time', 'boolean'];

function specError(field: string, value: unknown, expected: string): AimassError {
  return new AimassError('SPEC_INVALID', `pipeline spec: invalid ${field}; expected ${expected}`, {
    field,
    value,
    expected,
  });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Re-raises a step's error with the step's path: PARAM_INVALID fields become `steps[i].params.<field>`. */
function atStep(error: unknown, index: number, name: string): unknown {
  if (!isAimassError(error)) return error;
  const path = `steps[${index}]`;
  if (error.code === 'PARAM_INVALID') {
    const inner = error.context.field;
    const field = inner === undefined || inner === '(params)' ? `${path}.params` : `${path}.params.${inner}`;
    return new AimassError(
      'PARAM_INVALID',
      `${path} (${name}): ${error.message}`,
      { ...error.context, field },
      {
        cause: error,
      },
    );
  }
  return new AimassError(
    error.code,
    `${path} (${name}): ${error.message}`,
    { ...error.context, step: index },
    {
      cause: error,
      retryable: error.retryable,
    },
  );
}

/**
 * A validated pipeline, ready to fit many times: each step's transformer looked up and its params
 * resolved (defaults applied, frozen) once. Fleets compile their spec once per run.
 */
export interface CompiledPipeline {
  readonly steps: readonly CompiledStep[];
}

export interface CompiledStep {
  readonly step: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly transformer: AnyTransformer;
}

/**
 * Validates a spec. Structure errors are SPEC_INVALID, bad params PARAM_INVALID; both name the
 * field by path (`steps[2].step`, `steps[2].params.strategy`). Returns the spec with each step's
 * params resolved (defaults applied, frozen): plain data, safe to send to another thread.
 */
export function parsePipelineSpec(spec: unknown): PipelineSpec {
  return { steps: compilePipeline(spec).steps.map(({ step, params }) => ({ step, params })) };
}

/** Validates a spec (as `parsePipelineSpec`) and binds each step to its transformer. */
export function compilePipeline(spec: unknown): CompiledPipeline {
  if (!isPlainObject(spec)) throw specError('(spec)', spec, 'an object { steps: [...] }');
  for (const key of Object.keys(spec))
    if (key !== 'steps') throw specError(key, spec[key], 'only the field "steps"');
  const steps = spec.steps;
  if (!Array.isArray(steps)) throw specError('steps', steps, 'an array of { step, params }');
  const compiled: CompiledStep[] = [];
  steps.forEach((entry: unknown, index) => {
    const path = `steps[${index}]`;
    if (!isPlainObject(entry)) throw specError(path, entry, 'an object { step, params }');
    for (const key of Object.keys(entry))
      if (key !== 'step' && key !== 'params')
        throw specError(`${path}.${key}`, entry[key], 'only "step" and "params"');
    const name = entry.step;
    const transformer = typeof name === 'string' ? findTransformer(name) : undefined;
    if (transformer === undefined || typeof name !== 'string')
      throw specError(`${path}.step`, name, `one of ${transformerNames().join(', ')}`);
    let params: Readonly<Record<string, unknown>>;
    try {
      params = transformer.params(entry.params);
    } catch (error) {
      throw atStep(error, index, name);
    }
    compiled.push(Object.freeze({ step: name, params, transformer }));
  });
  return Object.freeze({ steps: Object.freeze(compiled) });
}

/** Fits every step and returns the state together with the transformed training frame. */
export function fitTransformPipeline(
  pipeline: CompiledPipeline,
  frame: Frame,
  context: FitContext,
): { state: PipelineState; frame: Frame } {
  const steps: PipelineStepState[] = [];
  let current = frame;
  pipeline.steps.forEach(({ step, params, transformer }, index) => {
    // One forked stream per step: a step's randomness does not depend on what earlier steps drew.
    const stepContext: FitContext = { ...context, rng: context.rng.fork() };
    try {
      const state = transformer.fit(current, params, stepContext);
      current = transformer.transform(state, current, { training: true });
      steps.push({ name: step, transformer, state });
    } catch (error) {
      throw atStep(error, index, step);
    }
  });
  const state: PipelineState = {
    steps,
    target: context.target ?? null,
    key: context.key ?? null,
    time: context.time ?? null,
    columns: current.columns.map((c) => ({ name: c.name, type: c.type })),
  };
  return { state, frame: current };
}

/** Compiles `spec` and fits it once (for one-off fits; fleets compile once and fit many times). */
export function fitPipeline(spec: unknown, frame: Frame, context: FitContext): PipelineState {
  return fitTransformPipeline(compilePipeline(spec), frame, context).state;
}

/** Replays every step; prediction mode (the default) keeps every row, in order. */
export function transformPipeline(state: PipelineState, frame: Frame, options?: TransformOptions): Frame {
  let current = frame;
  for (const step of state.steps) current = step.transformer.transform(step.state, current, options);
  return current;
}

/**
 * Names of the model's input columns, for `toMatrix`: the training output's number and boolean
 * columns minus target, key and time. Category and time columns are left out on purpose: codes
 * depend on each frame's dictionary and raw epoch times are no feature (use one-hot / time-features).
 */
export function featureColumns(state: PipelineState): string[] {
  const excluded = new Set([state.target, state.key, state.time]);
  return state.columns
    .filter((c) => (c.type === 'number' || c.type === 'boolean') && !excluded.has(c.name))
    .map((c) => c.name);
}

export function encodePipeline(state: PipelineState, writer: BinaryWriter): void {
  writer.u16(PIPELINE_FORMAT_VERSION);
  writer.nullableString(state.target);
  writer.nullableString(state.key);
  writer.nullableString(state.time);
  writer.u32(state.steps.length);
  for (const step of state.steps) {
    writer.string(step.name);
    writer.u16(step.transformer.stateVersion);
    // Each state in its own length-prefixed block, written from offset 0 so its alignment holds.
    const inner = new BinaryWriter();
    step.transformer.encode(step.state, inner);
    writer.rawBytes(inner.finish());
  }
  writer.u32(state.columns.length);
  for (const column of state.columns) {
    writer.string(column.name);
    writer.u8(COLUMN_TYPES.indexOf(column.type));
  }
}

/**
 * Reads what `encodePipeline` wrote. Unknown format versions, step names or state versions throw
 * CODEC_UNSUPPORTED; malformed bytes throw CODEC_CORRUPT.
 */
export function decodePipeline(reader: BinaryReader): PipelineState {
  const format = reader.u16();
  if (format !== PIPELINE_FORMAT_VERSION)
    throw new AimassError(
      'CODEC_UNSUPPORTED',
      `pipeline format ${format} is not supported (expected ${PIPELINE_FORMAT_VERSION})`,
      {
        value: format,
      },
    );
  const target = reader.nullableString();
  const key = reader.nullableString();
  const time = reader.nullableString();
  const count = reader.count(reader.remaining / 10, 'step count');
  const steps: PipelineStepState[] = [];
  for (let index = 0; index < count; index++) {
    const name = reader.string();
    const version = reader.u16();
    const bytes = reader.rawBytes();
    const transformer = findTransformer(name);
    if (!transformer)
      throw new AimassError('CODEC_UNSUPPORTED', `pipeline step ${index}: unknown step "${name}"`, {
        value: name,
        step: index,
      });
    if (version !== transformer.stateVersion)
      throw new AimassError(
        'CODEC_UNSUPPORTED',
        `pipeline step ${index} (${name}): state version ${version} is not supported (expected ${transformer.stateVersion})`,
        { value: version, step: index },
      );
    const inner = new BinaryReader(bytes, `pipeline step ${index} (${name})`);
    let state: unknown;
    try {
      state = transformer.decode(inner);
      inner.end();
    } catch (error) {
      if (isAimassError(error)) throw error;
      throw inner.corrupt(`decode failed (${(error as Error).message})`);
    }
    steps.push({ name, transformer, state });
  }
  const columnCount = reader.count(reader.remaining / 5, 'column count');
  const columns: PipelineColumn[] = [];
  for (let k = 0; k < columnCount; k++) {
    const name = reader.string();
    const type = COLUMN_TYPES[reader.u8()];
    if (type === undefined) throw reader.corrupt('unknown column type');
    columns.push({ name, type });
  }
  return { steps, target, key, time, columns };
}
