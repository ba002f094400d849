/**
 * One task of the `quality` benchmark: a public many-entity data set, a per-entity split rule fixed
 * in the task's file before its first run, aimass with the defaults `aimass init` writes, and simple
 * baselines computed in the same script on the same split.
 */
export interface QualityTask {
  /** Case name in the output, e.g. `unemployment-count`. */
  readonly name: string;
  /** What is predicted, for the README table: `forecast`, `regression`, `anomaly`, ... */
  readonly kind: string;
  /** One line: the data set, the entity, the target and the split rule. */
  readonly description: string;
  evaluate(context: QualityContext): Promise<QualityResult>;
}

export interface QualityContext {
  /** A fresh temporary folder for this task (data files, the aimass data dir). */
  readonly dir: string;
  /** Progress and notes (stderr). */
  log(message: string): void;
}

/** The scores of one method (aimass or a baseline) on a task, averaged over entities. */
export interface MethodScore {
  readonly method: string;
  /** Metric name → value; every method of a task reports the same metrics. */
  readonly scores: Readonly<Record<string, number>>;
}

export interface QualityResult {
  readonly entities: number;
  /** The metric that decides "as good as": its direction in `lowerIsBetter`. */
  readonly primary: string;
  readonly lowerIsBetter: boolean;
  /** aimass first, then the baselines. */
  readonly methods: readonly MethodScore[];
  /** What aimass chose, e.g. `{ naive: 3, drift: 8 }`. */
  readonly chosen?: Readonly<Record<string, number>>;
}
