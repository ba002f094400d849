import type { TrainProgress } from '../../train/run-fleet.ts';
import { formatCount, formatMillis } from './format.ts';
import type { CliIo } from './io.ts';

/** Redraws at most this often on a terminal (~10×/s). */
const REDRAW_MS = 100;
/** Plain progress lines (not a terminal: logs, CI) at most this often. */
const LINE_MS = 2000;
const BAR_WIDTH = 24;

/** One progress line: bar, entities, rate, ETA, fallbacks, failures. */
export function formatProgress(progress: TrainProgress, elapsedMs: number, bar: boolean): string {
  const { entitiesDone, entitiesTotal } = progress;
  const fraction = entitiesTotal > 0 ? Math.min(1, entitiesDone / entitiesTotal) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const eta =
    entitiesDone >= entitiesTotal
      ? '-'
      : Number.isFinite(progress.etaSeconds)
        ? formatMillis(progress.etaSeconds * 1000)
        : '?';
  return [
    bar ? `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]` : 'train:',
    `${formatCount(entitiesDone)}/${formatCount(entitiesTotal)} entities (${Math.floor(fraction * 100)}%)`,
    `${progress.modelsPerSecond.toFixed(1)} models/s`,
    `ETA ${eta}`,
    `fallbacks ${Number.isNaN(progress.fallbacks) ? '?' : formatCount(progress.fallbacks)}`,
    `failures ${formatCount(progress.failures)}`,
    `elapsed ${formatMillis(elapsedMs)}`,
  ].join('  ');
}

/**
 * The live progress of `aimass train` on stderr: redrawn in place with `\r` on a terminal (a timer
 * keeps elapsed time moving between shard commits), plain lines otherwise.
 */
export class ProgressReporter {
  private latest: TrainProgress | null = null;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly started = performance.now();
  private drawnWidth = 0;
  private drawn: TrainProgress | null = null;
  private stopped = false;

  constructor(
    private readonly io: CliIo,
    private readonly enabled: boolean,
  ) {
    if (enabled && io.stderrIsTTY) {
      this.timer = setInterval(() => this.draw(false), REDRAW_MS);
      this.timer.unref();
    }
  }

  update(progress: TrainProgress): void {
    if (this.stopped) return; // shards still committing after Ctrl-C: the final message says it
    this.latest = progress;
    this.draw(false);
  }

  /** Prints the last state (one final line) and stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.stopped) return;
    this.stopped = true;
    if (!this.enabled) return;
    const tty = this.io.stderrIsTTY;
    if (tty || (this.latest !== null && this.drawn !== this.latest)) this.draw(true);
    if (tty && this.drawnWidth > 0) this.io.stderr('\n');
  }

  private draw(force: boolean): void {
    const tty = this.io.stderrIsTTY;
    // Before the first shard commits (fallback model, first shard) only a terminal shows a line.
    if (!this.enabled || (this.latest === null && !tty)) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < (tty ? REDRAW_MS : LINE_MS)) return;
    this.lastDraw = now;
    this.drawn = this.latest;
    const elapsed = now - this.started;
    const line =
      this.latest === null
        ? `train: preparing the run (fallback model, first shard)…  elapsed ${formatMillis(elapsed)}`
        : formatProgress(this.latest, elapsed, tty);
    if (tty) {
      this.io.stderr(`\r${line.padEnd(this.drawnWidth)}`);
      this.drawnWidth = line.length;
    } else this.io.stderr(`${line}\n`);
  }
}
