import type { NewModel } from '../store/types.ts';

/** One trial of an entity's search, as recorded in the decision event. */
export interface TrialRecord {
  readonly algorithm: string;
  readonly params: Record<string, unknown>;
  /** Validation score (NaN when the trial failed). */
  readonly score: number;
  readonly error?: string;
  readonly millis: number;
}

/** How an entity came to be served by what it is served by. */
export interface Decision {
  /** 'local': its own model; 'baseline': its own baseline won; 'fallback': the fleet's fallback serves it. */
  readonly outcome: 'local' | 'baseline' | 'fallback';
  /** Machine-readable reason: chosen_best | baseline_best | too_few_rows | all_candidates_failed | fallback_better | ... */
  readonly reason: string;
  /** The numbers behind it (scores, row counts). */
  readonly numbers: Readonly<Record<string, number>>;
}

export interface EntityResult {
  readonly key: string;
  /** The version to store as the key's champion (for fallback entities: an empty-bundle marker). */
  readonly model: NewModel;
  readonly decision: Decision;
  readonly trials: readonly TrialRecord[];
  /** Set when something failed on the way (a trial, the whole entity): recorded as an event. */
  readonly failure: string | null;
}
