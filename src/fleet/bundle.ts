import { encodeBundle, stateSection } from '../codec/bundle.ts';
import type { BundleMeta } from '../codec/meta.ts';
import type { BinaryReader, BinaryWriter, WeightsQuantization } from '../core/binary.ts';
import type { AnyEstimator, AnyForecaster } from '../models/estimator.ts';
import { decodePipeline, encodePipeline, type PipelineState } from '../preprocess/pipeline.ts';
import { type ForecastIntervals, readIntervals, writeIntervals } from './forecast-intervals.ts';
import type { InputColumn } from './predictor.ts';
import type { FleetTask } from './spec.ts';

/**
 * The bundle of one entity: how raw rows become a matrix (the "io" section: task, raw input
 * columns, the fitted pipeline and the feature order) plus the fitted model. The io section is
 * stored in the codec's pipeline slot under the name `aimass.io`.
 */
export interface EntityModel {
  readonly task: FleetTask;
  readonly inputColumns: readonly InputColumn[];
  /** Null for forecasters (they read the series, not rows). */
  readonly pipeline: PipelineState | null;
  /**
   * String class labels of a classifier whose target was a category column: the model predicts
   * their indices (label codes). Null or absent otherwise.
   */
  readonly classLabels?: readonly string[] | null;
  readonly model:
    | { readonly kind: 'estimator'; readonly estimator: AnyEstimator; readonly state: unknown }
    | { readonly kind: 'forecaster'; readonly forecaster: AnyForecaster; readonly state: unknown };
  /** Forecast bundles: prediction intervals from out-of-sample residuals. Default null. */
  readonly intervals?: ForecastIntervals | null;
}

export const IO_SECTION = 'aimass.io';
/** 2 added forecast intervals and class labels after the pipeline; version 1 sections (neither) are still read. */
export const IO_VERSION = 2;
const TASKS: readonly FleetTask[] = ['regression', 'classification', 'forecast', 'anomaly'];
const COLUMN_TYPES: readonly InputColumn['type'][] = ['number', 'category', 'time', 'boolean'];

function writeIo(model: EntityModel, writer: BinaryWriter): void {
  writer.u8(TASKS.indexOf(model.task));
  writer.u32(model.inputColumns.length);
  for (const column of model.inputColumns) {
    writer.string(column.name);
    writer.u8(COLUMN_TYPES.indexOf(column.type));
  }
  writer.bool(model.pipeline !== null);
  if (model.pipeline) encodePipeline(model.pipeline, writer);
  writeIntervals(model.intervals ?? null, writer);
  const labels = model.classLabels ?? null;
  writer.bool(labels !== null);
  if (labels !== null) writer.strings(labels);
}

export interface Io {
  task: FleetTask;
  inputColumns: InputColumn[];
  pipeline: PipelineState | null;
  intervals: ForecastIntervals | null;
  classLabels: string[] | null;
}

/** Reads an io section of `version` 1 or 2 (the caller checks the version is one of them). */
export function readIo(reader: BinaryReader, version = IO_VERSION): Io {
  const task = TASKS[reader.u8()];
  if (!task) throw reader.corrupt('unknown task');
  const count = reader.count(10_000, 'input column count');
  const inputColumns: InputColumn[] = [];
  for (let i = 0; i < count; i++) {
    const name = reader.string();
    const type = COLUMN_TYPES[reader.u8()];
    if (!type) throw reader.corrupt(`unknown type of input column ${name}`);
    inputColumns.push({ name, type });
  }
  const pipeline = reader.bool() ? decodePipeline(reader) : null;
  const intervals = version >= 2 ? readIntervals(reader) : null;
  const classLabels = version >= 2 && reader.bool() ? reader.strings() : null;
  if (classLabels !== null && (classLabels.length === 0 || new Set(classLabels).size !== classLabels.length))
    throw reader.corrupt('class labels must be distinct and at least one');
  return { task, inputColumns, pipeline, intervals, classLabels };
}

/** Encodes an entity's fitted pipeline and model with its metadata into one bundle blob. */
export function encodeEntityBundle(
  model: EntityModel,
  meta: BundleMeta,
  quantize: WeightsQuantization = 'none',
): Uint8Array {
  const modelSection =
    model.model.kind === 'estimator'
      ? stateSection(model.model.estimator, model.model.state)
      : stateSection(model.model.forecaster, model.model.state);
  return encodeBundle(
    {
      model: modelSection,
      pipeline: { name: IO_SECTION, stateVersion: IO_VERSION, write: (writer) => writeIo(model, writer) },
      meta,
    },
    { quantize },
  );
}
