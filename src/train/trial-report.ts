import type { TrialResult } from '../store/types.ts';
import type { TrialRecord } from './entity-result.ts';

/** An entity's trials as stored with its model version. */
export function storedTrials(trials: readonly TrialRecord[]): TrialResult[] {
  return trials.map((t) => ({
    algorithm: t.algorithm,
    params: t.params,
    score: Number.isFinite(t.score) ? t.score : null,
    ...(t.error === undefined ? {} : { error: t.error }),
    millis: t.millis,
  }));
}

/** Distinct failure reasons kept by a tally; rarer ones after that are counted as "other". */
const MAX_REASONS = 20;
const OTHER = 'other reasons';
const CODE = /^([A-Z][A-Z0-9_]+): /;

/**
 * Failed trials of a run, counted by reason: the algorithm and the error's code (`ridge:
 * DATA_INVALID`), so failures that differ only in the row or column they name count together;
 * the first message of each reason is kept as its example.
 */
export class TrialFailureTally {
  private readonly reasons = new Map<string, { count: number; example: string }>();
  private count = 0;

  add(trials: readonly TrialRecord[]): void {
    for (const trial of trials) {
      if (trial.error === undefined) continue;
      this.count++;
      const code = CODE.exec(trial.error)?.[1] ?? trial.error.slice(0, 80);
      let reason = `${trial.algorithm}: ${code}`;
      if (!this.reasons.has(reason) && this.reasons.size >= MAX_REASONS) reason = OTHER;
      const entry = this.reasons.get(reason);
      if (entry) entry.count++;
      else this.reasons.set(reason, { count: 1, example: trial.error.slice(0, 200) });
    }
  }

  get failed(): number {
    return this.count;
  }

  /** Reasons with their counts and an example message, most frequent first (ties by reason). */
  byReason(): { reason: string; count: number; example: string }[] {
    return [...this.reasons]
      .map(([reason, { count, example }]) => ({ reason, count, example }))
      .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  }
}
