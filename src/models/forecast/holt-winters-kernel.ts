/**
 * Holt-Winters recursions (statsmodels' parameterisation) as free functions over flat arrays.
 *
 * Parameter vector `theta` (length THETA_SEASONS + period):
 *   [alpha, beta, gamma, phi, initialLevel, initialTrend, initialSeason_0 .. initialSeason_{m-1}]
 * For t = 0..n-1, with base = l[t-1] + phi*b[t-1] and s[t-m] the season of y[t]:
 *   additive:       fitted = base + s[t-m];  l = alpha*(y - s[t-m]) + (1-alpha)*base
 *                   s[t] = gamma*(y - base) + (1-gamma)*s[t-m]
 *   multiplicative: fitted = base * s[t-m];  l = alpha*y/s[t-m] + (1-alpha)*base
 *                   s[t] = gamma*y/base + (1-gamma)*s[t-m]
 *   both:           b = beta*(l - l[t-1]) + (1-beta)*phi*b[t-1]
 * No trend is beta = phi = 0 with initialTrend 0; no season is the additive form with period 1,
 * gamma = 0 and a zero season. Callers arrange those, so one loop serves every variant.
 */

export const THETA_ALPHA = 0;
export const THETA_BETA = 1;
export const THETA_GAMMA = 2;
export const THETA_PHI = 3;
export const THETA_LEVEL = 4;
export const THETA_TREND = 5;
export const THETA_SEASONS = 6;

/** Scratch arrays for one series length and period; reused across every objective evaluation. */
export interface HoltWintersWork {
  /** level[t + 1] = l[t]; level[0] = initial level. */
  level: Float64Array;
  trend: Float64Array;
  /** season[t + m] = s[t]; season[0..m) = initial seasons. */
  season: Float64Array;
  seasonAdjoint: Float64Array;
}

export function holtWintersWork(n: number, period: number): HoltWintersWork {
  return {
    level: new Float64Array(n + 1),
    trend: new Float64Array(n + 1),
    season: new Float64Array(n + period),
    seasonAdjoint: new Float64Array(n + period),
  };
}

/**
 * Runs the recursion, fills `work` with every state and `fitted` (when given) with the one-step
 * fitted values; returns the SSE. Multiplicative: a non-positive base or season gives Infinity
 * (outside the model's admissible region) so optimisers back off.
 */
export function holtWintersForward(
  y: Float64Array,
  multiplicative: boolean,
  period: number,
  theta: Float64Array,
  work: HoltWintersWork,
  fitted: Float64Array | null,
): number {
  const n = y.length;
  const m = period;
  const alpha = theta[THETA_ALPHA];
  const beta = theta[THETA_BETA];
  const gamma = theta[THETA_GAMMA];
  const phi = theta[THETA_PHI];
  const { level, trend, season } = work;
  level[0] = theta[THETA_LEVEL];
  trend[0] = theta[THETA_TREND];
  for (let i = 0; i < m; i++) season[i] = theta[THETA_SEASONS + i];
  let l = level[0];
  let b = trend[0];
  let sse = 0;
  if (!multiplicative) {
    for (let t = 0; t < n; t++) {
      const value = y[t];
      const sm = season[t];
      const base = l + phi * b;
      const error = value - base - sm;
      if (fitted !== null) fitted[t] = base + sm;
      sse += error * error;
      const next = alpha * (value - sm) + (1 - alpha) * base;
      b = beta * (next - l) + (1 - beta) * phi * b;
      l = next;
      season[t + m] = gamma * (value - base) + (1 - gamma) * sm;
      level[t + 1] = l;
      trend[t + 1] = b;
    }
    return sse;
  }
  for (let t = 0; t < n; t++) {
    const value = y[t];
    const sm = season[t];
    const base = l + phi * b;
    if (!(base > 0 && sm > 0)) return Number.POSITIVE_INFINITY;
    const error = value - base * sm;
    if (fitted !== null) fitted[t] = base * sm;
    sse += error * error;
    const next = (alpha * value) / sm + (1 - alpha) * base;
    b = beta * (next - l) + (1 - beta) * phi * b;
    l = next;
    season[t + m] = (gamma * value) / base + (1 - gamma) * sm;
    level[t + 1] = l;
    trend[t + 1] = b;
  }
  return sse;
}

/**
 * SSE and its exact gradient with respect to every entry of `theta` (reverse mode: one forward
 * pass storing the states, one backward pass; about three forward passes of work in total).
 */
export function holtWintersGradient(
  y: Float64Array,
  multiplicative: boolean,
  period: number,
  theta: Float64Array,
  work: HoltWintersWork,
  gradient: Float64Array,
): number {
  const sse = holtWintersForward(y, multiplicative, period, theta, work, null);
  if (!Number.isFinite(sse)) return sse;
  const n = y.length;
  const m = period;
  const alpha = theta[THETA_ALPHA];
  const beta = theta[THETA_BETA];
  const gamma = theta[THETA_GAMMA];
  const phi = theta[THETA_PHI];
  const { level, trend, season, seasonAdjoint } = work;
  seasonAdjoint.fill(0);
  let gl = 0;
  let gb = 0;
  let gAlpha = 0;
  let gBeta = 0;
  let gGamma = 0;
  let gPhi = 0;
  // Two specialised loops (no per-step branch on the season kind): this is the optimiser's hot path.
  if (!multiplicative) {
    for (let t = n - 1; t >= 0; t--) {
      const value = y[t];
      const lp = level[t];
      const bp = trend[t];
      const sm = season[t];
      const base = lp + phi * bp;
      const gs = seasonAdjoint[t + m];
      const residual = value - base - sm;
      const dE = -2 * residual;
      // The new trend reads the new level, so the level's adjoint collects the trend's share first.
      const glTotal = gl + beta * gb;
      gBeta += gb * (level[t + 1] - base);
      gAlpha += glTotal * residual;
      gGamma += gs * residual;
      seasonAdjoint[t] += -alpha * glTotal + (1 - gamma) * gs + dE;
      const gbase = (1 - alpha) * glTotal - gamma * gs + dE;
      gPhi += (gb * (1 - beta) + gbase) * bp;
      gl = gbase - beta * gb;
      gb = phi * ((1 - beta) * gb + gbase);
    }
  } else {
    for (let t = n - 1; t >= 0; t--) {
      const value = y[t];
      const lp = level[t];
      const bp = trend[t];
      const sm = season[t];
      const base = lp + phi * bp;
      const gs = seasonAdjoint[t + m];
      const dE = -2 * (value - base * sm);
      const glTotal = gl + beta * gb;
      gBeta += gb * (level[t + 1] - base);
      gAlpha += glTotal * (value / sm - base);
      gGamma += gs * (value / base - sm);
      seasonAdjoint[t] += ((-alpha * value) / (sm * sm)) * glTotal + (1 - gamma) * gs + dE * base;
      const gbase = (1 - alpha) * glTotal - ((gamma * value) / (base * base)) * gs + dE * sm;
      gPhi += (gb * (1 - beta) + gbase) * bp;
      gl = gbase - beta * gb;
      gb = phi * ((1 - beta) * gb + gbase);
    }
  }
  gradient[THETA_ALPHA] = gAlpha;
  gradient[THETA_BETA] = gBeta;
  gradient[THETA_GAMMA] = gGamma;
  gradient[THETA_PHI] = gPhi;
  gradient[THETA_LEVEL] = gl;
  gradient[THETA_TREND] = gb;
  for (let i = 0; i < m; i++) gradient[THETA_SEASONS + i] = seasonAdjoint[i];
  return sse;
}

/**
 * Textbook forecast from the final states: l + (phi + ... + phi^h) * b, then + or * the latest
 * estimate of that season (`seasons` holds s[n-m..n-1] in time order).
 */
export function holtWintersForecast(
  level: number,
  trend: number,
  phi: number,
  seasons: Float64Array,
  multiplicative: boolean,
  out: Float64Array,
): Float64Array {
  const m = seasons.length;
  let damping = 0;
  let power = 1;
  for (let h = 0; h < out.length; h++) {
    power *= phi;
    damping += power;
    const base = level + damping * trend;
    const season = m === 0 ? (multiplicative ? 1 : 0) : seasons[h % m];
    out[h] = multiplicative ? base * season : base + season;
  }
  return out;
}
