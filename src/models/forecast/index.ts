export {
  type AutoEtsCandidate,
  type AutoEtsParams,
  type AutoEtsResult,
  autoEts,
  autoEtsForecaster,
} from './auto-ets.ts';
export {
  type ExponentialSmoothingParams,
  type ExponentialSmoothingState,
  etsAicc,
  exponentialSmoothingForecaster,
} from './exponential-smoothing.ts';
export {
  type HoltWintersWork,
  holtWintersForecast,
  holtWintersForward,
  holtWintersGradient,
  holtWintersWork,
} from './holt-winters-kernel.ts';
export { lagMatrix, recursiveForecast } from './recursive.ts';
export {
  driftForecaster,
  type NaiveState,
  type NoParams,
  naiveForecaster,
  type SeasonalNaiveParams,
  seasonalNaiveForecaster,
} from './simple-forecasters.ts';
