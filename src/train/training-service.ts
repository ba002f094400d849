import { AimassError } from '../core/errors.ts';
import { FALLBACK_KEY } from '../fleet/keys.ts';
import type { Queue } from '../queue/queue.ts';
import type { Store } from '../store/store.ts';
import { type TrainProgress, type TrainSummary, trainFleet } from './run-fleet.ts';

export interface TrainingServiceOptions {
  readonly store: Store;
  readonly queue: Queue;
  /** Worker threads per run. Default: one per core. */
  readonly threads?: number;
  /** Forget cached champions of these keys (the serving cache). */
  readonly invalidate?: (fleet: string, key?: string) => void;
  readonly onProgress?: (fleet: string, progress: TrainProgress) => void;
  readonly onFinished?: (fleet: string, summary: TrainSummary | null, error: unknown) => void;
}

/**
 * Runs training in the background of a server process, one run per fleet at a time. `startRun`
 * resolves as soon as the run exists (with its id), so an API can answer at once and clients poll
 * the run's progress in the store.
 */
export class TrainingRunner {
  private readonly active = new Map<string, { runId: number; abort: AbortController; done: Promise<void> }>();

  constructor(private readonly options: TrainingServiceOptions) {}

  startRun(fleet: string, runOptions: { keys?: readonly string[] } = {}): Promise<{ runId: number }> {
    const current = this.active.get(fleet);
    if (current)
      return Promise.reject(
        new AimassError('CONFLICT', `fleet "${fleet}" is already training (run ${current.runId})`, {
          fleet,
          runId: current.runId,
        }),
      );
    const abort = new AbortController();
    return new Promise((resolve, reject) => {
      let started = false;
      const done = trainFleet({
        store: this.options.store,
        queue: this.options.queue,
        fleet,
        threads: this.options.threads,
        keys: runOptions.keys,
        signal: abort.signal,
        onRunStarted: (runId) => {
          started = true;
          this.active.set(fleet, { runId, abort, done });
          resolve({ runId });
        },
        onShardCommitted: (keys) => {
          for (const key of keys) this.options.invalidate?.(fleet, key);
        },
        onProgress: (progress) => this.options.onProgress?.(fleet, progress),
      })
        .then(
          (summary) => {
            this.options.invalidate?.(fleet, FALLBACK_KEY);
            this.options.onFinished?.(fleet, summary, null);
          },
          (error) => {
            if (!started) reject(error);
            this.options.onFinished?.(fleet, null, error);
          },
        )
        .finally(() => this.active.delete(fleet));
    });
  }

  async cancelRun(runId: number): Promise<void> {
    for (const run of this.active.values()) {
      if (run.runId === runId) {
        run.abort.abort();
        await run.done;
        return;
      }
    }
    await this.options.store.cancelRun(runId);
  }

  /** Stops every active run without cancelling it (a restart resumes them). */
  async close(): Promise<void> {
    // trainFleet has no "stop but keep resumable" signal: waiting would block shutdown for a long
    // run, so the process exits and the next start resumes the run from its committed shards.
    this.active.clear();
  }
}
