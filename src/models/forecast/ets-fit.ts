import { minimizeBounded } from '../optimize/bounded-lbfgs.ts';
import {
  holtWintersForward,
  holtWintersGradient,
  holtWintersWork,
  THETA_ALPHA,
  THETA_BETA,
  THETA_GAMMA,
  THETA_LEVEL,
  THETA_PHI,
  THETA_SEASONS,
  THETA_TREND,
} from './holt-winters-kernel.ts';

/** What to fit: the model form plus any values the caller fixed (null = estimate). */
export interface EtsSpec {
  trend: boolean;
  damped: boolean;
  seasonal: 'add' | 'mul' | null;
  /** Season length m (ignored without a season). */
  period: number;
  alpha: number | null;
  beta: number | null;
  gamma: number | null;
  phi: number | null;
  initialLevel: number | null;
  initialTrend: number | null;
  initialSeasons: Float64Array | null;
}

export interface EtsFit {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  initialLevel: number;
  initialTrend: number;
  initialSeasons: Float64Array;
  level: number;
  slope: number;
  /** s[n-m..n-1]: the latest estimate of each season, in time order (empty without a season). */
  seasons: Float64Array;
  fitted: Float64Array;
  sse: number;
}

/**
 * Bounds of a fitted damping phi: R's forecast::ets uses [0.8, 0.98]; the upper end here is 0.995 so
 * nearly undamped trends stay reachable, while phi < 0.8 (a trend that dies within a few steps) is
 * left to the undamped or trendless candidates.
 */
export const PHI_MIN = 0.8;
export const PHI_MAX = 0.995;

/**
 * Fits exponential smoothing by minimising the in-sample SSE over every free value: smoothing
 * parameters and (like statsmodels' initialization_method='estimated') the initial states. The
 * series is standardised first (affine for additive models, scale only for multiplicative ones:
 * both are equivariant), so the optimiser sees well-scaled variables whatever the units. Smoothing
 * parameters use statsmodels' admissible region, beta <= alpha and gamma <= 1 - alpha, through
 * beta = alpha*u1 and gamma = (1-alpha)*u2 with u in [0, 1] (when alpha and the other are both free).
 * Start: a small grid over the smoothing parameters with heuristic initial states, then bounded
 * L-BFGS with exact reverse-mode gradients over everything jointly.
 */
export function fitEts(y: Float64Array, spec: EtsSpec): EtsFit {
  const n = y.length;
  const multiplicative = spec.seasonal === 'mul';
  const seasonal = spec.seasonal !== null;
  const m = seasonal ? spec.period : 1;
  const dimension = THETA_SEASONS + m;

  const anythingFree =
    spec.alpha === null ||
    (spec.trend && spec.beta === null) ||
    (seasonal && spec.gamma === null) ||
    (spec.damped && spec.phi === null) ||
    spec.initialLevel === null ||
    (spec.trend && spec.initialTrend === null) ||
    (seasonal && spec.initialSeasons === null);

  // Standardise only when optimising: fixed fits run on the raw numbers (bit-faithful to the textbook).
  let center = 0;
  let scale = 1;
  if (anythingFree) {
    let mean = 0;
    for (let t = 0; t < n; t++) mean += y[t];
    mean /= n;
    let spread = 0;
    for (let t = 0; t < n; t++) spread += (y[t] - mean) * (y[t] - mean);
    spread = Math.sqrt(spread / n);
    if (multiplicative) scale = mean > 0 ? mean : 1;
    else {
      center = mean;
      scale = spread > 0 ? spread : Math.max(Math.abs(mean), 1);
    }
  }
  const z = anythingFree ? new Float64Array(n) : y;
  if (anythingFree) for (let t = 0; t < n; t++) z[t] = (y[t] - center) / scale;
  const toZLevel = (v: number) => (v - center) / scale;
  const toZSeason = (v: number) => (multiplicative ? v : v / scale);

  const heuristic = heuristicStates(z, spec.trend, spec.seasonal, m);
  const theta = new Float64Array(dimension);
  const lower = new Float64Array(dimension);
  const upper = new Float64Array(dimension);
  const fix = (i: number, value: number) => {
    theta[i] = value;
    lower[i] = value;
    upper[i] = value;
  };
  const free = (i: number, start: number, low: number, high: number) => {
    theta[i] = start;
    lower[i] = low;
    upper[i] = high;
  };
  const alphaFree = spec.alpha === null;
  const betaTransformed = alphaFree && spec.trend && spec.beta === null;
  const gammaTransformed = alphaFree && seasonal && spec.gamma === null;

  if (alphaFree) free(THETA_ALPHA, 0.5, 0, 1);
  else fix(THETA_ALPHA, spec.alpha as number);
  if (!spec.trend) fix(THETA_BETA, 0);
  else if (spec.beta === null) free(THETA_BETA, 0.1, 0, 1);
  else fix(THETA_BETA, spec.beta);
  if (!seasonal) fix(THETA_GAMMA, 0);
  else if (spec.gamma === null) free(THETA_GAMMA, 0.1, 0, 1);
  else fix(THETA_GAMMA, spec.gamma);
  if (!spec.trend) fix(THETA_PHI, 0);
  else if (!spec.damped) fix(THETA_PHI, 1);
  else if (spec.phi === null) free(THETA_PHI, 0.98, PHI_MIN, PHI_MAX);
  else fix(THETA_PHI, spec.phi);
  const unbounded = Number.POSITIVE_INFINITY;
  if (spec.initialLevel === null) free(THETA_LEVEL, heuristic.level, -unbounded, unbounded);
  else fix(THETA_LEVEL, toZLevel(spec.initialLevel));
  if (!spec.trend) fix(THETA_TREND, 0);
  else if (spec.initialTrend === null) free(THETA_TREND, heuristic.trend, -unbounded, unbounded);
  else fix(THETA_TREND, spec.initialTrend / scale);
  for (let i = 0; i < m; i++) {
    const at = THETA_SEASONS + i;
    if (!seasonal) fix(at, 0);
    else if (spec.initialSeasons !== null) fix(at, toZSeason(spec.initialSeasons[i]));
    else if (multiplicative) free(at, heuristic.seasons[i], 1e-6, unbounded);
    else free(at, heuristic.seasons[i], -unbounded, unbounded);
  }

  const work = holtWintersWork(n, m);
  const model = new Float64Array(dimension);
  const modelGradient = new Float64Array(dimension);
  // Optimiser variables x -> model parameters theta (the admissible-region transform above).
  const toModel = (x: Float64Array) => {
    model.set(x);
    if (betaTransformed) model[THETA_BETA] = x[THETA_ALPHA] * x[THETA_BETA];
    if (gammaTransformed) model[THETA_GAMMA] = (1 - x[THETA_ALPHA]) * x[THETA_GAMMA];
  };
  if (anythingFree) {
    const objective = (x: Float64Array, gradient: Float64Array): number => {
      toModel(x);
      const sse = holtWintersGradient(z, multiplicative, m, model, work, modelGradient);
      if (!Number.isFinite(sse)) return sse;
      gradient.set(modelGradient);
      if (betaTransformed) {
        gradient[THETA_ALPHA] += modelGradient[THETA_BETA] * x[THETA_BETA];
        gradient[THETA_BETA] = modelGradient[THETA_BETA] * x[THETA_ALPHA];
      }
      if (gammaTransformed) {
        gradient[THETA_ALPHA] -= modelGradient[THETA_GAMMA] * x[THETA_GAMMA];
        gradient[THETA_GAMMA] = modelGradient[THETA_GAMMA] * (1 - x[THETA_ALPHA]);
      }
      return sse;
    };
    gridStart(theta, lower, upper, (x) => {
      toModel(x);
      return holtWintersForward(z, multiplicative, m, model, work, null);
    });
    let result = minimizeBounded(objective, theta, lower, upper, {
      maxIterations: 300,
      maxEvaluations: 1000,
      // More correction pairs than the default: ~12% fewer evaluations on 29-variable seasonal fits.
      memory: 12,
      functionTolerance: 1e-10,
    });
    // A restart with fresh curvature memory polishes the end point cheaply.
    const restart = minimizeBounded(objective, result.x, lower, upper, {
      maxIterations: 60,
      maxEvaluations: 200,
      functionTolerance: 1e-10,
    });
    if (restart.value <= result.value) result = restart;
    theta.set(result.x);
  }
  toModel(theta);

  const fittedZ = new Float64Array(n);
  holtWintersForward(z, multiplicative, m, model, work, fittedZ);
  const fitted = new Float64Array(n);
  let sse = 0;
  for (let t = 0; t < n; t++) {
    fitted[t] = center + scale * fittedZ[t];
    sse += (y[t] - fitted[t]) * (y[t] - fitted[t]);
  }
  const fromZSeason = (v: number) => (multiplicative ? v : v * scale);
  const seasons = new Float64Array(seasonal ? m : 0);
  const initialSeasons = new Float64Array(seasonal ? m : 0);
  for (let i = 0; i < seasons.length; i++) {
    seasons[i] = fromZSeason(work.season[n + i]);
    initialSeasons[i] = spec.initialSeasons ? spec.initialSeasons[i] : fromZSeason(model[THETA_SEASONS + i]);
  }
  return {
    alpha: model[THETA_ALPHA],
    beta: model[THETA_BETA],
    gamma: model[THETA_GAMMA],
    phi: spec.trend ? model[THETA_PHI] : 1,
    initialLevel: spec.initialLevel ?? center + scale * model[THETA_LEVEL],
    initialTrend: spec.initialTrend ?? scale * model[THETA_TREND],
    initialSeasons,
    level: center + scale * work.level[n],
    slope: scale * work.trend[n],
    seasons,
    fitted,
    sse,
  };
}

/**
 * Heuristic initial states from the first (up to 4) full cycles: the first cycle's mean is the
 * level at its centre, the slope joins the first and last cycle means, and each season is the
 * average detrended deviation (ratio for multiplicative), normalised to sum 0 (mean 1).
 */
export function heuristicStates(
  y: Float64Array,
  trend: boolean,
  seasonal: 'add' | 'mul' | null,
  period: number,
): { level: number; trend: number; seasons: Float64Array } {
  const n = y.length;
  const seasons = new Float64Array(period);
  if (seasonal === null) {
    const level = y[0];
    const slope = trend && n > 1 ? (y[Math.min(n - 1, 3)] - y[0]) / Math.min(n - 1, 3) : 0;
    return { level: level - slope, trend: slope, seasons };
  }
  const cycles = Math.max(1, Math.min(4, Math.floor(n / period)));
  const cycleMean = (k: number) => {
    let sum = 0;
    for (let i = 0; i < period; i++) sum += y[k * period + i];
    return sum / period;
  };
  const first = cycleMean(0);
  const slope = trend && cycles > 1 ? (cycleMean(cycles - 1) - first) / ((cycles - 1) * period) : 0;
  const middle = (period - 1) / 2;
  let total = 0;
  for (let i = 0; i < period; i++) {
    let sum = 0;
    for (let k = 0; k < cycles; k++) {
      const t = k * period + i;
      const levelAt = first + slope * (t - middle);
      sum += seasonal === 'mul' ? y[t] / levelAt : y[t] - levelAt;
    }
    seasons[i] = sum / cycles;
    total += seasons[i];
  }
  const mean = total / period;
  for (let i = 0; i < period; i++) {
    if (seasonal === 'mul') seasons[i] = mean > 0 && seasons[i] > 0 ? seasons[i] / mean : 1;
    else seasons[i] -= mean;
  }
  return { level: first - slope * (middle + 1), trend: slope, seasons };
}

/** Replaces the free smoothing parameters of `x` with the best point of a small grid. */
function gridStart(
  x: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  sse: (x: Float64Array) => number,
): void {
  const alphas = [0.05, 0.2, 0.4, 0.6, 0.85];
  const betas = [0.01, 0.1, 0.3];
  const gammas = [0.02, 0.15, 0.5];
  const phis = [0.9, 0.98];
  const options = (i: number, values: number[]) =>
    lower[i] === upper[i] ? [x[i]] : values.filter((v) => v >= lower[i] && v <= upper[i]);
  let best = Number.POSITIVE_INFINITY;
  const bestPoint = x.slice(0, THETA_LEVEL);
  for (const a of options(THETA_ALPHA, alphas))
    for (const b of options(THETA_BETA, betas))
      for (const g of options(THETA_GAMMA, gammas))
        for (const p of options(THETA_PHI, phis)) {
          x[THETA_ALPHA] = a;
          x[THETA_BETA] = b;
          x[THETA_GAMMA] = g;
          x[THETA_PHI] = p;
          const value = sse(x);
          if (value < best) {
            best = value;
            bestPoint[THETA_ALPHA] = a;
            bestPoint[THETA_BETA] = b;
            bestPoint[THETA_GAMMA] = g;
            bestPoint[THETA_PHI] = p;
          }
        }
  x.set(bestPoint);
}
