/**
 * The fleet domain: the spec and its validation, the compiled plan, the entity bundle and its
 * predictor, the naming rules (fleet names, entity keys, reserved keys) and which model serves a key.
 */
export type { EntityModel } from './bundle.ts';
export { encodeEntityBundle } from './bundle.ts';
export type { AlgorithmCost } from './catalog.ts';
export {
  algorithmCost,
  autoCandidates,
  baselineFor,
  SIMPLE_FORECASTERS,
  shortSeriesCandidates,
} from './catalog.ts';
export type { ForecastIntervals, IntervalBounds } from './forecast-intervals.ts';
export { INTERVAL_LEVELS, intervalBounds, intervalsFromResiduals } from './forecast-intervals.ts';
export {
  CLUSTER_KEY_PREFIX,
  clusterKey,
  entityKeyProblem,
  FALLBACK_KEY,
  FLEET_NAME_PATTERN,
  fleetNameProblem,
  isReservedKey,
  KEY_MAX_LENGTH,
  RESERVED_KEY_PREFIX,
} from './keys.ts';
export { loadPredictor } from './load-predictor.ts';
export type { CompiledPlan, FleetPlan } from './plan.ts';
export { compilePlan, frameColumns, planFleet } from './plan.ts';
export type { InputColumn, Prediction, Predictor } from './predictor.ts';
export type { ChampionLike, KeyRoute, Resolved, ServedModel } from './serving.ts';
export {
  FALLBACK_MARKER,
  resolveServing,
  routeOf,
  SHORT_SERIES_REASON,
  UNKNOWN_KEY_REASON,
} from './serving.ts';
export type { CandidateSpec, FleetSpec, FleetTask, SearchSpace, SplitSpec } from './spec.ts';
export { AUTO_CANDIDATES, defaultMinRows, parseFleetSpecText, validateFleetSpec } from './spec.ts';
