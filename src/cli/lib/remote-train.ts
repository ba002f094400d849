import type { ImportResult } from '../../ingest/file-source.ts';
import type { RunDetail } from '../../serve/index.ts';
import type { TrainProgress } from '../../train/run-fleet.ts';
import type { CommandContext } from './command.ts';
import { formatCount, formatMillis } from './format.ts';
import { ProgressReporter } from './progress.ts';
import { remoteClient } from './remote.ts';

/** How often the run is polled. */
const POLL_MS = 500;
/** Pages of models read to count the run's fallbacks (1000 each). */
const MAX_MODEL_PAGES = 100;

export interface RemoteTrainReport {
  readonly fleet: string;
  readonly runId: number;
  readonly status: string;
  readonly entitiesDone: number;
  readonly entitiesTotal: number;
  readonly shards: number;
  readonly shardsFailed: number;
  readonly modelsWritten: number;
  readonly keyFailures: number;
  readonly modelsPerSecond: number;
  readonly elapsedMs: number;
  /** Fallback entities of the run by reason, from the server's model list. */
  readonly fallbacksByReason: Record<string, number>;
  readonly import: ImportResult | null;
}

function toProgress(detail: RunDetail): TrainProgress {
  const p = detail.progress;
  const rate = p.modelsPerSecond;
  return {
    runId: p.runId,
    entitiesDone: p.keysDone,
    entitiesTotal: p.keysTotal,
    fallbacks: Number.NaN,
    failures: p.keyFailures,
    trialsFailed: Number.NaN, // not in the server's run progress
    elapsedMs: p.elapsedMs,
    modelsPerSecond: rate,
    etaSeconds: rate > 0 ? (p.keysTotal - p.keysDone) / rate : Number.NaN,
  };
}

/**
 * `aimass train --url`: starts a run on the server and follows it until it ends. Ctrl-C stops
 * following (the server keeps training); with --cancel-on-interrupt it cancels the run.
 */
export async function trainRemote(
  ctx: CommandContext,
  url: string,
  fleet: string,
  keys: string[] | undefined,
  imported: ImportResult | null,
): Promise<number> {
  const client = remoteClient(ctx, url);
  const { runId } = await client.startRun(fleet, { keys, reason: 'aimass train' });
  const progress = new ProgressReporter(ctx.io, !ctx.flag('quiet'));
  let interrupted = false;
  let wake: () => void = () => {};
  const remove = ctx.io.onInterrupt?.(() => {
    interrupted = true;
    wake();
  });
  let detail: RunDetail;
  try {
    for (;;) {
      detail = await client.getRun(runId);
      progress.update(toProgress(detail));
      if (detail.run.status !== 'running' || interrupted) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, POLL_MS).unref();
      });
    }
  } finally {
    progress.stop();
    remove?.();
  }
  if (interrupted && detail.run.status === 'running') {
    if (ctx.flag('cancel-on-interrupt')) {
      await client.cancelRun(runId);
      ctx.err(`run ${runId} cancelled on the server`);
    } else
      ctx.err(`stopped following run ${runId}; the server keeps training it (aimass fleets ls --url ${url})`);
    if (ctx.json) ctx.emit({ fleet, runId, status: 'interrupted', entitiesDone: detail.progress.keysDone });
    return 130;
  }
  const report: RemoteTrainReport = {
    fleet,
    runId,
    status: detail.run.status,
    entitiesDone: detail.progress.keysDone,
    entitiesTotal: detail.progress.keysTotal,
    shards: detail.progress.shardsTotal,
    shardsFailed: detail.progress.shardsFailed,
    modelsWritten: detail.progress.modelsWritten,
    keyFailures: detail.progress.keyFailures,
    modelsPerSecond: detail.progress.modelsPerSecond,
    elapsedMs: detail.progress.elapsedMs,
    fallbacksByReason: await fallbacksOfRun(client, fleet, runId),
    import: imported,
  };
  if (ctx.json) ctx.emit(report);
  else {
    const reasons = Object.entries(report.fallbacksByReason).map(([r, n]) => `${r} ${formatCount(n)}`);
    const fallbacks = Object.values(report.fallbacksByReason).reduce((a, b) => a + b, 0);
    ctx.out(
      [
        `run ${runId} of fleet "${fleet}" on ${url}: ${report.status}`,
        `  entities   ${formatCount(report.entitiesDone)}/${formatCount(report.entitiesTotal)} in ${report.shards} shard(s)${report.shardsFailed > 0 ? `, ${report.shardsFailed} shard(s) FAILED` : ''}`,
        `  speed      ${report.modelsPerSecond.toFixed(1)} models/s, ${formatMillis(report.elapsedMs)}`,
        `  fallbacks  ${formatCount(fallbacks)}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
        `  failures   ${formatCount(report.keyFailures)}`,
      ].join('\n'),
    );
  }
  if (report.status === 'cancelled') return 130;
  return report.status === 'done' && report.shardsFailed === 0 ? 0 : 1;
}

async function fallbacksOfRun(
  client: ReturnType<typeof remoteClient>,
  fleet: string,
  runId: number,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let cursor: string | undefined;
  for (let page = 0; page < MAX_MODEL_PAGES; page++) {
    const list = await client.listModels(fleet, { fallback: true, limit: 1000, cursor });
    for (const model of list.items)
      if (model.runId === runId && model.fallbackReason !== null)
        counts[model.fallbackReason] = (counts[model.fallbackReason] ?? 0) + 1;
    if (list.nextCursor === null) break;
    cursor = list.nextCursor;
  }
  return counts;
}
