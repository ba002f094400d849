export { type CleanParams, type CleanState, cleanTransformer, DEFAULT_MISSING_TOKENS } from './clean.ts';
export {
  type OneHotColumnState,
  type OneHotParams,
  type OneHotState,
  OTHER_CATEGORY,
  oneHotColumnNames,
  oneHotTransformer,
} from './encode-one-hot.ts';
export {
  type FeatureSelectMethod,
  type FeatureSelectParams,
  type FeatureSelectState,
  featureSelectTransformer,
} from './feature-select.ts';
export { type ImputeParams, type ImputeState, type ImputeStrategy, imputeTransformer } from './impute.ts';
export {
  type LagFeaturesParams,
  type LagFeaturesState,
  lagFeatureNames,
  lagFeaturesTransformer,
} from './lag-features.ts';
export { type MinMaxParams, type MinMaxState, minMaxTransformer } from './min-max.ts';
export {
  type OutlierMethod,
  type OutliersParams,
  type OutliersState,
  outliersTransformer,
} from './outliers.ts';
export {
  compilePipeline,
  decodePipeline,
  encodePipeline,
  featureColumns,
  fitPipeline,
  fitTransformPipeline,
  PIPELINE_FORMAT_VERSION,
  type PipelineColumn,
  type PipelineSpec,
  type PipelineState,
  type PipelineStepSpec,
  type PipelineStepState,
  parsePipelineSpec,
  transformPipeline,
} from './pipeline.ts';
export { findTransformer, getTransformer, transformerNames, transformerRegistry } from './registry.ts';
export { type RobustScaleParams, type RobustScaleState, robustScaleTransformer } from './robust-scale.ts';
export {
  DEFAULT_SPLIT_FRACTIONS,
  randomSplit,
  resolveSplitFractions,
  type SplitFractions,
  type SplitIndices,
  type SplitMethod,
  type SplitSpec,
  splitFrame,
  stratifiedSplit,
  timeSplit,
} from './split.ts';
export { type StandardizeParams, type StandardizeState, standardizeTransformer } from './standardize.ts';
export {
  TIME_FEATURES,
  type TimeFeature,
  type TimeFeaturesParams,
  type TimeFeaturesState,
  timeFeatureNames,
  timeFeaturesTransformer,
} from './time-features.ts';
export type { AnyTransformer, FitContext, Transformer, TransformOptions } from './transformer.ts';
