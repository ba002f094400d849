import { decodeBundleWith } from '../codec/bundle.ts';
import type { BinaryReader } from '../core/binary.ts';
import { AimassError } from '../core/errors.ts';
import type { Matrix } from '../core/matrix.ts';
import { type Frame, toMatrix } from '../data/frame.ts';
import type { AnyEstimator, AnyForecaster } from '../models/estimator.ts';
import { estimators, forecasters } from '../models/registry.ts';
import { featureColumns, transformPipeline } from '../preprocess/pipeline.ts';
import { IO_SECTION, IO_VERSION, type Io, readIo } from './bundle.ts';
import type { Prediction, Predictor } from './predictor.ts';

// Bundles are built by `encodeEntityBundle` (./bundle.ts) — in tests, fit a pipeline and an
// estimator and encode them; the training engine does the same for every entity.

type DecodedModel =
  | { kind: 'estimator'; estimator: AnyEstimator; state: unknown }
  | { kind: 'forecaster'; forecaster: AnyForecaster; state: unknown };

function decodeModel(name: string, version: number, reader: BinaryReader): DecodedModel {
  const estimator = estimators.get(name);
  const forecaster = estimator ? undefined : forecasters.get(name);
  const implementation = estimator ?? forecaster;
  if (!implementation)
    throw new AimassError('CODEC_UNSUPPORTED', `bundle: unknown algorithm "${name}"`, { algorithm: name });
  if (implementation.stateVersion !== version) {
    throw new AimassError(
      'CODEC_UNSUPPORTED',
      `bundle: ${name} state version ${version} (this build reads ${implementation.stateVersion})`,
      { algorithm: name },
    );
  }
  if (estimator) return { kind: 'estimator', estimator, state: estimator.decode(reader) };
  return {
    kind: 'forecaster',
    forecaster: forecaster as AnyForecaster,
    state: (forecaster as AnyForecaster).decode(reader),
  };
}

function decodeIo(name: string, version: number, reader: BinaryReader): Io {
  if (name !== IO_SECTION || version < 1 || version > IO_VERSION)
    throw new AimassError('CODEC_UNSUPPORTED', `bundle: unknown pipeline section ${name} v${version}`);
  return readIo(reader, version);
}

/**
 * A labelled classifier's probabilities over every label (the model only has columns for the
 * labels it was trained on; the others get 0), so `classes` is the whole label list and each
 * prediction is a label's index in it.
 */
function widenProba(proba: Matrix, trained: Float64Array, labels: number): Matrix {
  if (trained.length === labels) return proba;
  const data = new Float64Array(proba.rows * labels);
  for (let r = 0; r < proba.rows; r++)
    for (let j = 0; j < trained.length; j++) data[r * labels + trained[j]] = proba.data[r * proba.cols + j];
  return { data, rows: proba.rows, cols: labels };
}

/**
 * Decodes a bundle (from the store, a file or the network: untrusted bytes) into a Predictor.
 * Any malformed input is CODEC_CORRUPT / CODEC_UNSUPPORTED; nothing in the blob is executed.
 */
export function loadPredictor(bytes: Uint8Array): Predictor {
  const decoded = decodeBundleWith<DecodedModel, Io>(bytes, { decodeModel, decodePipeline: decodeIo });
  if (!decoded.pipeline) throw new AimassError('CODEC_CORRUPT', 'bundle: missing io section');
  const io = decoded.pipeline.state;
  const model = decoded.model.state;
  const meta = decoded.meta;
  const base = {
    task: io.task,
    algorithm: decoded.model.name,
    meta,
    bundleBytes: bytes.length,
    inputColumns: io.inputColumns,
  };
  if (model.kind === 'forecaster') {
    const forecaster = model.forecaster;
    return {
      ...base,
      predict() {
        throw new AimassError(
          'PARAM_INVALID',
          `fleet model for "${meta.key}" is a forecaster: use forecast`,
          { field: 'task' },
        );
      },
      forecast: (horizon) => forecaster.forecast(model.state, horizon),
      intervals: io.intervals,
    };
  }
  const estimator = model.estimator;
  const pipeline = io.pipeline;
  const features = pipeline ? featureColumns(pipeline) : io.inputColumns.map((c) => c.name);
  const toFeatures = (rows: Frame): Matrix =>
    toMatrix(pipeline ? transformPipeline(pipeline, rows) : rows, features);
  const labels = io.classLabels;
  const trained = estimator.classes ? estimator.classes(model.state) : undefined;
  if (labels && trained?.some((code) => !(Number.isInteger(code) && code >= 0 && code < labels.length)))
    throw new AimassError('CODEC_CORRUPT', 'bundle: class codes outside the class labels');
  const classes: (number | string)[] | undefined = labels
    ? [...labels]
    : trained
      ? Array.from(trained)
      : undefined;
  const predictor: Predictor = {
    ...base,
    ...(labels ? { classLabels: labels } : {}),
    predict(rows) {
      const X = toFeatures(rows);
      const values = estimator.predict(model.state, X);
      if (!estimator.predictProba || !classes) return { values };
      const proba = estimator.predictProba(model.state, X);
      const prediction: Prediction = {
        values,
        proba: labels && trained ? widenProba(proba, trained, labels.length) : proba,
        classes,
      };
      return prediction;
    },
  };
  if (estimator.score) {
    const score = estimator.score;
    return { ...predictor, score: (rows) => score(model.state, toFeatures(rows)) };
  }
  return predictor;
}
