import type { Rng } from '../core/rng.ts';
import type { CandidateSpec, SearchSpace } from './spec.ts';

/** One configuration to try on an entity. */
export interface Trial {
  algorithm: string;
  params: Record<string, unknown>;
  /** Relative cost estimate (algorithm cost × cost-param scale); trials run cheapest first. */
  cost: number;
  /** True for the candidate's low-cost starting point, false for sampled configurations. */
  initial: boolean;
}

/** What the planner must know about an algorithm. */
export interface AlgorithmCost {
  /** Relative cost of one fit at default params (ridge = 1). */
  cost: number;
  /**
   * Params whose value scales the fit cost roughly linearly (nEstimators, maxIter, ...): the
   * low-cost start takes their minimum, as in FLAML's low-cost-first search.
   */
  costParams?: readonly string[];
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
