import { AimassError } from '../../core/errors.ts';
import { TIME_UNITS } from '../../fleet/spec.ts';
import { ensureFleet } from '../../ingest/ensure-fleet.ts';
import { type FileImport, type ImportResult, importFiles } from '../../ingest/file-source.ts';
import type { Store } from '../../store/store.ts';
import { type TrainProgress, type TrainSummary, trainFleet } from '../../train/run-fleet.ts';
import { type CommandContext, defineCommand, UsageError } from '../lib/command.ts';
import { formatCount, formatMillis } from '../lib/format.ts';
import { ProgressReporter } from '../lib/progress.ts';
import { remoteClient } from '../lib/remote.ts';
import { importRemote, remoteSpec } from '../lib/remote-import.ts';
import { trainRemote } from '../lib/remote-train.ts';
import { readSpecFile } from '../lib/spec-file.ts';
import { fileReport, IMPORT_OPTIONS, importSummary } from './import.ts';

/** Pages of fallback events read for the summary (1000 each); beyond that counts are "at least". */
const MAX_EVENT_PAGES = 100;

export interface TrainReport extends TrainSummary {
  readonly fleet: string;
  /** Fallback entities of the whole run by reason (e.g. too_few_rows). */
  readonly fallbacksByReason: Record<string, number>;
  /** True when more fallback events exist than were counted. */
  readonly fallbacksTruncated: boolean;
  /** Model versions the whole run committed (fallback markers included). */
  readonly modelsWritten: number;
  /** Keys that failed to train in the whole run, with the first reasons. */
  readonly keyFailures: number;
  readonly failureExamples: { key: string | null; reason: string }[];
  readonly import: ImportResult | null;
}

export const trainCommand = defineCommand({
  name: 'train',
  summary: 'train (or resume training) one model per entity, with progress',
  usage:
    'train --fleet NAME [--threads N] [--keys k1,k2]   |   train --spec spec.yaml --data FILE   (--url URL: on a server)',
  remote: true,
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'the fleet to train (data imported before)' },
    spec: {
      type: 'string',
      value: 'FILE',
      description: 'fleet spec: stored (new version if changed) before training',
    },
    data: { type: 'string', value: 'FILE', description: 'with --spec: import this file first, then train' },
    ...IMPORT_OPTIONS,
    threads: {
      type: 'string',
      value: 'N',
      description: 'worker threads; 0 trains in this thread (default: one per core, env AIMASS_THREADS)',
    },
    keys: { type: 'string', value: 'K1,K2', description: 'train only these keys (comma-separated)' },
    'cancel-on-interrupt': {
      type: 'boolean',
      description:
        'Ctrl-C cancels the run (default: Ctrl-C stops after the shards in flight; run again to resume)',
    },
    quiet: { type: 'boolean', description: 'no progress line and no import report on stderr' },
  },
  notes: [
    'Progress goes to stderr (redrawn in place on a terminal), the summary to stdout. Exit codes:',
    '0 done, 1 error or failed shards, 130 interrupted. An interrupted run resumes where it stopped.',
  ],
  examples: [
    'aimass train --fleet turbines',
    'aimass train --spec spec.yaml --data fleet.csv --threads 2',
    'aimass train --fleet turbines --keys dev-0000001,dev-0000002 --json',
    'aimass train --fleet turbines --url http://127.0.0.1:8080',
  ],
  async run(ctx) {
    const specPath = ctx.string('spec');
    const dataPath = ctx.string('data');
    if (dataPath !== undefined && specPath === undefined)
      throw new UsageError('--data needs --spec (or import the file with aimass import, then train --fleet)');
    const threads = ctx.int('threads', 0, 256);
    const keys = ctx
      .string('keys')
      ?.split(',')
      .map((k) => k.trim())
      .filter((k) => k !== '');
    if (keys !== undefined && keys.length === 0) throw new UsageError('--keys lists no key');
    const timeUnit = ctx.choice('time-unit', TIME_UNITS);
    let fleet = ctx.string('fleet');
    const spec = specPath === undefined ? undefined : await readSpecFile(specPath);
    if (spec && fleet !== undefined && fleet !== spec.name)
      throw new AimassError(
        'SPEC_INVALID',
        `--fleet "${fleet}" differs from the spec's name "${spec.name}"`,
        {
          field: 'name',
          file: specPath,
        },
      );
    fleet = spec?.name ?? fleet;
    if (fleet === undefined) throw new UsageError('--fleet (or --spec) is required');
    const report = !ctx.json && !ctx.flag('quiet');
    const onFile = report ? (file: FileImport) => ctx.err(fileReport(file)) : undefined;
    if (ctx.url !== undefined) {
      if (threads !== undefined) throw new UsageError('--threads applies to local training only');
      let imported: ImportResult | null = null;
      if (dataPath !== undefined) {
        imported = await importRemote(ctx, ctx.url, { spec, files: [dataPath], timeUnit, onFile });
        if (report) ctx.err(importSummary(imported));
      } else if (spec) await remoteSpec(remoteClient(ctx, ctx.url), fleet, spec);
      return trainRemote(ctx, ctx.url, fleet, keys, imported);
    }
    const store = await ctx.openStore({ mustExist: spec === undefined });
    let imported: ImportResult | null = null;
    // A fleet this call creates is removed again if the call throws, so a retry after fixing the
    // data starts fresh instead of finding a half-made fleet ("spec v1 unchanged").
    const createdHere = spec !== undefined && !(await store.getFleet(fleet));
    try {
      if (spec !== undefined) {
        if (dataPath !== undefined) {
          imported = await importFiles(store, spec, [dataPath], { timeUnit, onFile });
          if (report) ctx.err(importSummary(imported));
        } else await ensureFleet(store, spec);
      }
      if (!(await store.getFleet(fleet)))
        throw new AimassError(
          'FLEET_NOT_FOUND',
          `fleet "${fleet}" does not exist (aimass import creates it)`,
          {
            fleet,
          },
        );
      return await train(ctx, store, fleet, { threads, keys, imported });
    } catch (error) {
      if (createdHere) await store.deleteFleet(fleet);
      throw error;
    }
  },
});

async function train(
  ctx: CommandContext,
  store: Store,
  fleet: string,
  options: { threads?: number; keys?: string[]; imported: ImportResult | null },
): Promise<number> {
  const queue = await ctx.openQueue();
  const progress = new ProgressReporter(ctx.io, !ctx.flag('quiet'));
  let latest: TrainProgress | null = null;
  const cancelOnInterrupt = ctx.flag('cancel-on-interrupt');
  const interrupt = new AbortController();
  let interrupts = 0;
  const removeHandler = ctx.io.onInterrupt?.(() => {
    interrupts++;
    if (interrupts > 1) ctx.io.exit?.(130); // a second Ctrl-C: stop at once
    interrupt.abort();
  });
  ctx.defer(async () => removeHandler?.());

  const training = trainFleet({
    store,
    queue,
    fleet,
    threads: options.threads,
    keys: options.keys,
    signal: cancelOnInterrupt ? interrupt.signal : undefined,
    onProgress: (p) => {
      latest = p;
      progress.update(p);
    },
  });
  training.catch(() => undefined); // the race below may abandon it; never an unhandled rejection
  const stopped = new Promise<null>((resolve) => {
    if (!cancelOnInterrupt) interrupt.signal.addEventListener('abort', () => resolve(null), { once: true });
  });
  let summary: TrainSummary | null;
  try {
    summary = await Promise.race([training, stopped]);
  } finally {
    progress.stop();
  }
  if (summary === null) return stopResumable(ctx, store, fleet, queue, latest);

  const report = await buildReport(store, fleet, summary, options.imported);
  if (ctx.json) ctx.emit(report);
  else ctx.out(formatReport(report));
  if (summary.status === 'cancelled') return 130;
  return summary.status === 'done' && summary.shardsFailed === 0 ? 0 : 1;
}

/**
 * Ctrl-C without --cancel-on-interrupt: closing the queue stops taking shards and waits for those
 * in flight to commit; the run stays `running`, so the next `aimass train` resumes it.
 */
async function stopResumable(
  ctx: CommandContext,
  store: Store,
  fleet: string,
  queue: { close(): Promise<void> },
  latest: TrainProgress | null,
): Promise<number> {
  ctx.err('interrupted: finishing the shards in flight (Ctrl-C again to quit at once)…');
  await queue.close();
  const runs = await store.listRuns(fleet, { limit: 1 });
  const run = runs.items[0];
  const runProgress = run ? await store.runProgress(run.id) : undefined;
  const done = runProgress?.keysDone ?? latest?.entitiesDone ?? 0;
  const total = runProgress?.keysTotal ?? latest?.entitiesTotal ?? 0;
  const message = `stopped: ${formatCount(done)}/${formatCount(total)} entities trained in run ${run?.id ?? '?'}; run \`aimass train --fleet ${fleet}\` again to resume`;
  if (ctx.json)
    ctx.emit({
      fleet,
      runId: run?.id ?? null,
      status: 'interrupted',
      entitiesDone: done,
      entitiesTotal: total,
    });
  ctx.err(message);
  await ctx.close();
  // The abandoned run's worker threads would keep the process alive.
  ctx.io.exit?.(130);
  return 130;
}

async function buildReport(
  store: Store,
  fleet: string,
  summary: TrainSummary,
  imported: ImportResult | null,
): Promise<TrainReport> {
  const fallbacksByReason: Record<string, number> = {};
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await store.listEvents(fleet, {
      kind: 'fallback',
      runId: summary.runId,
      limit: 1000,
      cursor,
    });
    for (const event of page.items)
      fallbacksByReason[event.reason] = (fallbacksByReason[event.reason] ?? 0) + 1;
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < MAX_EVENT_PAGES);
  const runProgress = await store.runProgress(summary.runId);
  const failures = await store.listEvents(fleet, { kind: 'train_failed', runId: summary.runId, limit: 5 });
  return {
    fleet,
    ...summary,
    fallbacksByReason,
    fallbacksTruncated: cursor !== null,
    modelsWritten: runProgress?.modelsWritten ?? summary.entitiesDone,
    keyFailures: runProgress?.keyFailures ?? summary.failures,
    failureExamples: failures.items.map((e) => ({ key: e.key, reason: e.reason })),
    import: imported,
  };
}

export function formatReport(report: TrainReport): string {
  const reasons = Object.entries(report.fallbacksByReason)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, count]) => `${reason} ${formatCount(count)}`);
  const fallbackTotal = Object.values(report.fallbacksByReason).reduce((a, b) => a + b, 0);
  const lines = [
    `run ${report.runId} of fleet "${report.fleet}": ${report.status}${report.resumed ? ' (resumed)' : ''}`,
    `  entities   ${formatCount(report.entitiesDone)}/${formatCount(report.entitiesTotal)} in ${report.shards} shard(s)${report.shardsFailed > 0 ? `, ${report.shardsFailed} shard(s) FAILED` : ''}`,
    `  models     ${formatCount(report.modelsWritten)} written by the run`,
    `  speed      ${report.modelsPerSecond.toFixed(1)} models/s, ${formatMillis(report.elapsedMs)}`,
    `  fallbacks  ${report.fallbacksTruncated ? 'at least ' : ''}${formatCount(fallbackTotal)}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`,
    `  failures   ${formatCount(report.keyFailures)}`,
    `  resumed    ${report.resumed ? 'yes' : 'no'}`,
  ];
  for (const failure of report.failureExamples)
    lines.push(`  failed: ${failure.key ?? '-'}: ${failure.reason}`);
  // Failed trials do not fail an entity (another candidate serves), but they are worth knowing.
  lines.push(
    `  trials     ${formatCount(report.trialsFailed)} failed${report.trialsFailed > 0 ? " (aimass models show lists each version's trials)" : ''}`,
  );
  for (const { reason, count, example } of report.trialFailures.slice(0, 5))
    lines.push(`    ${formatCount(count)}× ${reason} (e.g. ${example})`);
  return lines.join('\n');
}
