export {
  type BoundedLbfgsOptions,
  type MinimizeResult,
  minimizeBounded,
  type ObjectiveWithGradient,
} from './bounded-lbfgs.ts';
export { type NelderMeadOptions, type NelderMeadResult, nelderMead, type Objective } from './nelder-mead.ts';
