import type { MetricOp, ModelInfo, ModelStatus, Page } from '../../store/types.ts';
import { type CommandContext, defineCommand, UsageError } from '../lib/command.ts';
import { formatCount, formatNumber, formatTable, formatTime } from '../lib/format.ts';
import { remoteClient } from '../lib/remote.ts';
import { fleetSpec } from '../lib/serving.ts';

const STATUSES: readonly ModelStatus[] = ['candidate', 'champion', 'archived'];

/** A model version as the store or the API lists it (the API sends non-finite metrics as null). */
export type ModelRow = Omit<ModelInfo, 'metrics'> & {
  readonly metrics: Readonly<Record<string, number | null>>;
};

/** Table rows of model versions; `metric` is the fleet's selection metric. */
export function modelTable(items: readonly ModelRow[], metric: string): string {
  return formatTable(
    ['KEY', 'VERSION', 'STATUS', 'ALGORITHM', metric.toUpperCase(), 'ROWS', 'BYTES', 'FALLBACK', 'CREATED'],
    items.map((m) => [
      m.key,
      String(m.version),
      m.status,
      m.algorithm,
      formatNumber(m.metrics[metric]),
      formatCount(m.rowCount),
      formatCount(m.bundleBytes),
      m.fallbackReason ?? '-',
      formatTime(m.createdAt),
    ]),
  );
}

/** `rmse<0.5` → { name, op, value }. */
export function parseMetricFilter(text: string): { name: string; op: MetricOp; value: number } {
  const match = /^([A-Za-z0-9_.-]+)\s*(<=|>=|!=|<|>|=)\s*(\S+)$/.exec(text.trim());
  const value = match ? Number(match[3]) : Number.NaN;
  if (!match || !Number.isFinite(value))
    throw new UsageError(
      `--metric must look like NAME<OP>NUMBER with OP one of < <= > >= = != (e.g. "rmse<0.5"), got "${text}"`,
    );
  return { name: match[1], op: match[2] as MetricOp, value };
}

/** The selection metric shown as a column ("score" for anomaly fleets, which have none). */
export function metricColumn(metric: unknown): string {
  return typeof metric === 'string' && metric !== 'none' ? metric : 'score';
}

export const modelsListCommand = defineCommand({
  name: 'models ls',
  summary: 'list model versions of a fleet, filtered and paged (newest first)',
  usage:
    'models ls --fleet NAME [--status S] [--algorithm A] [--fallback yes|no] [--key K] [--metric "rmse<0.5"] [--limit N] [--cursor C]',
  remote: true,
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
    status: { type: 'string', value: 'S', description: 'only candidate | champion | archived' },
    algorithm: { type: 'string', value: 'A', description: 'only this algorithm (e.g. ridge)' },
    fallback: {
      type: 'string',
      value: 'yes|no',
      description: 'only fallback-served keys (yes) or own models (no)',
    },
    key: { type: 'string', value: 'K', description: 'only this key' },
    metric: {
      type: 'string',
      value: 'FILTER',
      description: 'only versions whose metric compares true, e.g. "rmse<0.5" or "accuracy>=0.9"',
    },
    limit: { type: 'string', value: 'N', description: 'page size, 1..1000 (default 50)' },
    cursor: { type: 'string', value: 'C', description: 'the next page, as printed after the previous one' },
  },
  examples: [
    'aimass models ls --fleet turbines --status champion --metric "rmse>2"',
    'aimass models ls --fleet turbines --fallback yes --limit 20 --json',
  ],
  async run(ctx: CommandContext) {
    const fleet = ctx.requireString('fleet');
    const status = ctx.choice('status', STATUSES);
    const fallback = ctx.choice('fallback', ['yes', 'no'] as const);
    const metricText = ctx.string('metric');
    const metric = metricText === undefined ? undefined : parseMetricFilter(metricText);
    const limit = ctx.int('limit', 1, 1000) ?? 50;
    const query = {
      status,
      algorithm: ctx.string('algorithm'),
      fallback: fallback === undefined ? undefined : fallback === 'yes',
      key: ctx.string('key'),
      limit,
      cursor: ctx.string('cursor'),
    };
    let page: Page<ModelRow>;
    let selection: string;
    if (ctx.url !== undefined) {
      const client = remoteClient(ctx, ctx.url);
      selection = metricColumn((await client.getFleet(fleet)).spec?.metric);
      page = await client.listModels(fleet, { ...query, metric: metricText?.replace(/\s+/g, '') });
    } else {
      const store = await ctx.openStore({ mustExist: true });
      selection = metricColumn((await fleetSpec(store, fleet)).spec.metric);
      page = await store.listModels(fleet, { ...query, metric });
    }
    if (ctx.json) {
      ctx.emit(page);
      return 0;
    }
    if (page.items.length === 0) ctx.out('no model versions match');
    else ctx.out(modelTable(page.items, selection));
    if (page.nextCursor !== null)
      ctx.out(`more: aimass models ls --fleet ${fleet} --cursor ${page.nextCursor} (with the same filters)`);
    return 0;
  },
});
