import type { ModelInfo, ModelStatus } from '../store/types.ts';
import { type CommandContext, defineCommand } from './command.ts';
import { formatCount, formatNumber, formatTable, formatTime } from './format.ts';
import { fleetSpec } from './serving.ts';

const STATUSES: readonly ModelStatus[] = ['candidate', 'champion', 'archived'];

/** Table rows of model versions; `metric` is the fleet's selection metric. */
export function modelTable(items: readonly ModelInfo[], metric: string): string {
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

export const modelsListCommand = defineCommand({
  name: 'models ls',
  summary: 'list model versions of a fleet, filtered and paged (newest first)',
  usage:
    'models ls --fleet NAME [--status S] [--algorithm A] [--fallback yes|no] [--key K] [--limit N] [--cursor C]',
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
    limit: { type: 'string', value: 'N', description: 'page size, 1..1000 (default 50)' },
    cursor: { type: 'string', value: 'C', description: 'the next page, as printed after the previous one' },
  },
  examples: [
    'aimass models ls --fleet turbines --status champion',
    'aimass models ls --fleet turbines --fallback yes --limit 20 --json',
  ],
  async run(ctx: CommandContext) {
    const fleet = ctx.requireString('fleet');
    const status = ctx.choice('status', STATUSES);
    const fallback = ctx.choice('fallback', ['yes', 'no'] as const);
    const limit = ctx.int('limit', 1, 1000) ?? 50;
    const store = await ctx.openStore({ mustExist: true });
    const { spec } = await fleetSpec(store, fleet);
    const page = await store.listModels(fleet, {
      status,
      algorithm: ctx.string('algorithm'),
      fallback: fallback === undefined ? undefined : fallback === 'yes',
      key: ctx.string('key'),
      limit,
      cursor: ctx.string('cursor'),
    });
    if (ctx.json) {
      ctx.emit(page);
      return 0;
    }
    if (page.items.length === 0) ctx.out('no model versions match');
    else ctx.out(modelTable(page.items, spec.metric === 'none' ? 'score' : spec.metric));
    if (page.nextCursor !== null)
      ctx.out(`more: aimass models ls --fleet ${fleet} --cursor ${page.nextCursor} …`);
    return 0;
  },
});
