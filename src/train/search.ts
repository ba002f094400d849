import type { Rng } from '../core/rng.ts';
import type { AlgorithmCost } from '../fleet/catalog.ts';
import type { CandidateSpec, SearchSpace } from '../fleet/spec.ts';

/** One configuration to try on an entity. */
export interface Trial {
  algorithm: string;
  params: Record<string, unknown>;
  /** Relative cost estimate (algorithm cost × cost-param scale); trials run cheapest first. */
  cost: number;
  /** True for the candidate's low-cost starting point, false for sampled configurations. */
  initial: boolean;
}

function sample(space: SearchSpace, rng: Rng): number | string | boolean {
  if (Array.isArray(space)) return space[rng.int(space.length)];
  const range = space as { min: number; max: number; log?: boolean; integer?: boolean };
  const u = rng.next();
  const value = range.log
    ? Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min)))
    : range.min + u * (range.max - range.min);
  return range.integer ? Math.round(value) : value;
}

function lowCost(space: SearchSpace): number | string | boolean {
  if (Array.isArray(space)) {
    const numbers = space.filter((v): v is number => typeof v === 'number');
    return numbers.length === space.length ? Math.min(...numbers) : space[0];
  }
  return (space as { min: number }).min;
}

function costScale(params: Record<string, unknown>, candidate: CandidateSpec, cost: AlgorithmCost): number {
  let scale = 1;
  for (const name of cost.costParams ?? []) {
    const space = candidate.search[name];
    const value = params[name];
    if (space && !Array.isArray(space) && typeof value === 'number') {
      const range = space as { min: number; max: number };
      scale *= range.max > range.min ? 1 + (value - range.min) / (range.max - range.min) : 1;
    }
  }
  return scale;
}

/**
 * Plans up to `maxTrials` configurations, cheapest first: every candidate's low-cost start (fixed
 * params plus the smallest value of each cost param; other searched params take their first list
 * value or range minimum), then random samples of the search spaces, round-robin over candidates,
 * ordered by estimated cost. The caller stops early when its time budget runs out, so the cheap
 * configurations are always tried. Same rng state → same plan.
 */
export function planTrials(
  candidates: readonly CandidateSpec[],
  costs: (algorithm: string) => AlgorithmCost,
  maxTrials: number,
  rng: Rng,
): Trial[] {
  const initial: Trial[] = candidates.map((candidate) => {
    const cost = costs(candidate.algorithm);
    const params: Record<string, unknown> = { ...candidate.params };
    for (const [name, space] of Object.entries(candidate.search)) params[name] = lowCost(space);
    return {
      algorithm: candidate.algorithm,
      params,
      cost: cost.cost * costScale(params, candidate, cost),
      initial: true,
    };
  });
  initial.sort((a, b) => a.cost - b.cost);
  const trials = initial.slice(0, maxTrials);
  const searchable = candidates.filter((c) => Object.keys(c.search).length > 0);
  const sampled: Trial[] = [];
  const seen = new Set(trials.map((t) => JSON.stringify([t.algorithm, t.params])));
  let attempts = 0;
  while (searchable.length > 0 && trials.length + sampled.length < maxTrials && attempts < maxTrials * 20) {
    const candidate = searchable[attempts % searchable.length];
    attempts++;
    const params: Record<string, unknown> = { ...candidate.params };
    for (const [name, space] of Object.entries(candidate.search)) params[name] = sample(space, rng);
    const id = JSON.stringify([candidate.algorithm, params]);
    if (seen.has(id)) continue;
    seen.add(id);
    const cost = costs(candidate.algorithm);
    sampled.push({
      algorithm: candidate.algorithm,
      params,
      cost: cost.cost * costScale(params, candidate, cost),
      initial: false,
    });
  }
  sampled.sort((a, b) => a.cost - b.cost);
  return [...trials, ...sampled];
}

/** The param that counts iterations (boosting rounds, trees, epochs) of iterative algorithms. */
export const ITERATION_PARAM: Readonly<Record<string, string>> = {
  'hist-gradient-boosting': 'maxIter',
  'hist-gradient-boosting-classifier': 'maxIter',
  'random-forest': 'nEstimators',
  'random-forest-classifier': 'nEstimators',
  mlp: 'maxIter',
  'mlp-classifier': 'maxIter',
};

/** Scores a trial on validation (NaN when it failed); `better(a, b)` follows the metric's direction. */
export type EvaluateTrial = (trial: Trial) => number;

/**
 * Runs the planned trials: cheap starts as they are, then the sampled configurations of iterative
 * algorithms by successive halving (each first at a third of its iterations; the better half by
 * validation score goes on at full budget), other sampled ones as they are. `stop()` is checked
 * after every evaluation (the time budget). Returns every evaluated trial with its score.
 */
export function runTrials(
  trials: readonly Trial[],
  evaluate: EvaluateTrial,
  better: (a: number, b: number) => boolean,
  stop: () => boolean,
): { trial: Trial; score: number }[] {
  const done: { trial: Trial; score: number }[] = [];
  const run = (trial: Trial): number => {
    const score = evaluate(trial);
    done.push({ trial, score });
    return score;
  };
  const rung: Trial[] = [];
  for (const trial of trials) {
    if (stop()) return done;
    const iterations = ITERATION_PARAM[trial.algorithm];
    const value = iterations ? trial.params[iterations] : undefined;
    if (!trial.initial && iterations && typeof value === 'number' && value >= 6) rung.push(trial);
    else run(trial);
  }
  const scored: { trial: Trial; score: number }[] = [];
  for (const trial of rung) {
    if (stop()) return done;
    const iterations = ITERATION_PARAM[trial.algorithm];
    const reduced: Trial = {
      ...trial,
      params: {
        ...trial.params,
        [iterations]: Math.max(1, Math.round((trial.params[iterations] as number) / 3)),
      },
      cost: trial.cost / 3,
    };
    scored.push({ trial, score: run(reduced) });
  }
  scored.sort((a, b) => (better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : 0));
  for (const { trial, score } of scored.slice(0, Math.ceil(scored.length / 2))) {
    if (stop() || Number.isNaN(score)) break;
    run(trial);
  }
  return done;
}
