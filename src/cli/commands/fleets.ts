import { stringify as toYaml } from 'yaml';
import { FALLBACK_KEY } from '../../fleet/keys.ts';
import type { Store } from '../../store/store.ts';
import type { Run, RunProgress } from '../../store/types.ts';
import { type CommandContext, defineCommand, defineGroup } from '../lib/command.ts';
import { formatCount, formatMillis, formatTable, formatTime } from '../lib/format.ts';
import { remoteClient } from '../lib/remote.ts';
import { fleetSpec } from '../lib/serving.ts';

/** Key pages read by `fleets show` (1000 keys each); beyond that the counts say "at least". */
const MAX_KEY_PAGES = 1000;

async function latestRun(
  store: Store,
  fleet: string,
): Promise<{ run: Run; progress: RunProgress | null } | null> {
  const run = (await store.listRuns(fleet, { limit: 1 })).items[0];
  if (!run) return null;
  return { run, progress: (await store.runProgress(run.id)) ?? null };
}

interface FleetRow {
  name: string;
  specVersion: number | null;
  createdAt: number;
  task: string | null;
  latestRun: { id: number; status: string; keysDone: number | null; keysTotal: number } | null;
}

async function localFleets(ctx: CommandContext): Promise<FleetRow[]> {
  const store = await ctx.openStore({ mustExist: true });
  const items: FleetRow[] = [];
  for (const fleet of await store.listFleets()) {
    const spec = await store.getSpec(fleet.name);
    const latest = await latestRun(store, fleet.name);
    items.push({
      ...fleet,
      task: taskOf(spec?.spec),
      latestRun: latest && {
        id: latest.run.id,
        status: latest.run.status,
        keysDone: latest.progress?.keysDone ?? null,
        keysTotal: latest.run.keyCount,
      },
    });
  }
  return items;
}

/** Through the API: one request for the list, two per fleet (spec and latest run). */
async function remoteFleets(ctx: CommandContext, url: string): Promise<FleetRow[]> {
  const client = remoteClient(ctx, url);
  const items: FleetRow[] = [];
  for (const fleet of (await client.listFleets()).items) {
    const [detail, runs] = await Promise.all([
      client.getFleet(fleet.name),
      client.listRuns(fleet.name, { limit: 1 }),
    ]);
    const run = runs.items[0];
    const progress = run ? (await client.getRun(run.id)).progress : null;
    items.push({
      ...fleet,
      task: taskOf(detail.spec),
      latestRun: run
        ? { id: run.id, status: run.status, keysDone: progress?.keysDone ?? null, keysTotal: run.keyCount }
        : null,
    });
  }
  return items;
}

function taskOf(spec: unknown): string | null {
  const task = (spec as { task?: unknown } | null | undefined)?.task;
  return typeof task === 'string' ? task : null;
}

const fleetsList = defineCommand({
  name: 'fleets ls',
  summary: 'every fleet with its task, spec version and latest run',
  usage: 'fleets ls [--url URL]',
  remote: true,
  options: {},
  examples: ['aimass fleets ls', 'aimass fleets ls --url http://127.0.0.1:8080 --json'],
  async run(ctx) {
    const items = ctx.url !== undefined ? await remoteFleets(ctx, ctx.url) : await localFleets(ctx);
    if (ctx.json) ctx.emit({ items });
    else if (items.length === 0) ctx.out(ctx.url ? `no fleets on ${ctx.url}` : `no fleets in ${ctx.dataDir}`);
    else
      ctx.out(
        formatTable(
          ['FLEET', 'TASK', 'SPEC', 'CREATED', 'LATEST RUN'],
          items.map((f) => [
            f.name,
            f.task ?? '-',
            f.specVersion === null ? '-' : `v${f.specVersion}`,
            formatTime(f.createdAt),
            f.latestRun
              ? `${f.latestRun.id} ${f.latestRun.status} ${formatCount(f.latestRun.keysDone ?? 0)}/${formatCount(f.latestRun.keysTotal)}`
              : '-',
          ]),
        ),
      );
    return 0;
  },
});

const fleetsShow = defineCommand({
  name: 'fleets show',
  summary: 'one fleet: spec, data, champions, latest run, recent quarantine',
  usage: 'fleets show NAME',
  positionals: [1, 1],
  options: {},
  examples: ['aimass fleets show turbines', 'aimass fleets show turbines --json'],
  async run(ctx) {
    const fleet = ctx.positionals[0];
    const store = await ctx.openStore({ mustExist: true });
    const { spec, version } = await fleetSpec(store, fleet);
    let keys = 0;
    let rows = 0;
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await store.listKeys(fleet, { limit: 1000, cursor });
      for (const item of page.items) {
        if (item.key === FALLBACK_KEY) continue;
        keys++;
        rows += item.rowCount;
      }
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < MAX_KEY_PAGES);
    const fallback = await store.getChampion(fleet, FALLBACK_KEY);
    const latest = await latestRun(store, fleet);
    const quarantine = await store.listQuarantine(fleet, { limit: 5 });
    const result = {
      fleet,
      specVersion: version,
      spec,
      data: { keys, rows, truncated: cursor !== null },
      fallbackModel: fallback
        ? { version: fallback.version, algorithm: fallback.algorithm, metrics: fallback.metrics }
        : null,
      latestRun: latest,
      recentQuarantine: quarantine.items,
    };
    if (ctx.json) {
      ctx.emit(result);
      return 0;
    }
    const more = cursor !== null ? 'at least ' : '';
    const lines = [
      `fleet ${fleet}: ${spec.task}, spec v${version}`,
      `data        ${more}${formatCount(keys)} keys, ${more}${formatCount(rows)} rows`,
      `fallback    ${fallback ? `${FALLBACK_KEY} v${fallback.version} ${fallback.algorithm}` : 'none'}`,
    ];
    if (latest) {
      const p = latest.progress;
      lines.push(
        `latest run  ${latest.run.id} ${latest.run.status}: ${formatCount(p?.keysDone ?? 0)}/${formatCount(latest.run.keyCount)} keys, ${p?.shardsDone ?? 0}/${latest.run.shardCount} shards, ${formatCount(p?.modelsWritten ?? 0)} models, ${p?.keyFailures ?? 0} failures, ${(p?.modelsPerSecond ?? 0).toFixed(1)} models/s, ${formatMillis(p?.elapsedMs ?? 0)}${latest.run.error ? ` (${latest.run.error})` : ''}`,
      );
    } else lines.push('latest run  none (aimass train --fleet NAME)');
    for (const q of quarantine.items)
      lines.push(`quarantine  ${q.source}${q.line === null ? '' : `:${q.line}`}: ${q.reason}`);
    lines.push('', 'spec:', toYaml(spec).trimEnd());
    ctx.out(lines.join('\n'));
    return 0;
  },
});

export const fleetsCommand = defineGroup(
  'fleets',
  'list fleets and show one (spec, data, models, latest run)',
  { ls: async () => fleetsList, show: async () => fleetsShow },
  { ls: 'every fleet with its task, spec version and latest run', show: 'one fleet in detail' },
  'aimass fleets show turbines',
);
