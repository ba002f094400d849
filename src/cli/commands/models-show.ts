import { describeBundle, formatBundleDescription } from '../../codec/index.ts';
import { AimassError } from '../../core/errors.ts';
import { FALLBACK_KEY } from '../../fleet/keys.ts';
import type { Store } from '../../store/store.ts';
import type { ModelInfo, ModelRecord, TrialResult } from '../../store/types.ts';
import { defineCommand } from '../lib/command.ts';
import { formatCount, formatMillis, formatNumber, formatTable, formatTime } from '../lib/format.ts';
import { remoteClient } from '../lib/remote.ts';
import { fleetSpec } from '../lib/serving.ts';
import { type ModelRow, metricColumn, modelTable } from './models-list.ts';

const KEY_OPTIONS = {
  fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
  key: {
    type: 'string',
    value: 'KEY',
    description: `entity key (required; ${FALLBACK_KEY} is the fleet fallback)`,
  },
} as const;

/** The champion, or the given version; MODEL_NOT_FOUND naming fleet, key and version otherwise. */
export async function findModel(
  store: Store,
  fleet: string,
  key: string,
  version?: number,
): Promise<ModelRecord> {
  const record =
    version === undefined ? await store.getChampion(fleet, key) : await store.getModel(fleet, key, version);
  if (!record)
    throw new AimassError(
      'MODEL_NOT_FOUND',
      version === undefined
        ? `fleet "${fleet}" has no champion for key "${key}" (aimass models history lists its versions)`
        : `fleet "${fleet}" has no version ${version} of key "${key}"`,
      { fleet, key, ...(version === undefined ? {} : { version }) },
    );
  return record;
}

/** The record without its bundle bytes (they go to `aimass export`). */
export function withoutBundle(record: ModelRecord): ModelInfo {
  const { bundle: _bundle, ...info } = record;
  return info;
}

/** The trials behind a version's choice: each candidate's validation score, or why it failed. */
export function formatTrials(trials: readonly TrialResult[]): string[] {
  if (trials.length === 0) return ['trials      none recorded'];
  const failed = trials.filter((t) => t.error !== undefined).length;
  const rows = trials.map((t, i) => [
    String(i + 1),
    t.algorithm,
    JSON.stringify(t.params),
    t.error === undefined ? formatNumber(t.score) : 'FAILED',
    formatMillis(t.millis),
    t.error ?? '',
  ]);
  return [
    `trials      ${trials.length} tried, ${failed} failed (score: validation, by the fleet metric)`,
    ...formatTable(['#', 'ALGORITHM', 'PARAMS', 'SCORE', 'TIME', 'ERROR'], rows)
      .split('\n')
      .map((line) => `  ${line.trimEnd()}`),
  ];
}

export const modelsShowCommand = defineCommand({
  name: 'models show',
  summary:
    "one model version (default the champion): metadata, the trials behind its choice and the bundle's description",
  usage: 'models show --fleet NAME --key KEY [--version V]',
  options: {
    ...KEY_OPTIONS,
    version: { type: 'string', value: 'V', description: 'this version instead of the champion' },
  },
  examples: [
    'aimass models show --fleet turbines --key dev-0000001',
    'aimass models show --fleet turbines --key __fallback__ --json',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const version = ctx.int('version', 1);
    const store = await ctx.openStore({ mustExist: true });
    await fleetSpec(store, fleet);
    const record = await findModel(store, fleet, key, version);
    const bundle = record.bundle.length > 0 ? describeBundle(record.bundle) : null;
    const info = withoutBundle(record);
    const trials = (await store.modelTrials(fleet, key, record.version)) ?? [];
    if (ctx.json) {
      ctx.emit({ model: info, bundle, trials });
      return 0;
    }
    const lines = [
      `fleet/key   ${fleet} / ${key}`,
      `version     ${record.version} (${record.status}), created ${formatTime(record.createdAt)}${record.promotedAt === null ? '' : `, promoted ${formatTime(record.promotedAt)}`}`,
      `algorithm   ${record.algorithm}`,
      `params      ${JSON.stringify(record.params)}`,
      `metrics     ${
        Object.entries(record.metrics)
          .map(([name, value]) => `${name}=${formatNumber(value)}`)
          .join('  ') || '-'
      }`,
      `training    ${formatCount(record.rowCount)} rows, ${formatTime(record.trainStart)} .. ${formatTime(record.trainEnd)}, spec v${record.specVersion}, data ${record.dataHash}`,
      `run         ${record.runId === null ? '-' : `${record.runId}, shard ${record.shard}`}`,
      `fallback    ${record.fallbackReason === null ? 'no (own model)' : `yes: ${record.fallbackReason}`}`,
    ];
    lines.push(...formatTrials(trials));
    if (bundle === null)
      lines.push(`bundle      none: the fleet fallback (${FALLBACK_KEY}) answers for this key`);
    else lines.push('', ...formatBundleDescription(bundle));
    ctx.out(lines.join('\n'));
    return 0;
  },
});

export const modelsHistoryCommand = defineCommand({
  name: 'models history',
  summary: 'every version of one key, newest first',
  usage: 'models history --fleet NAME --key KEY',
  remote: true,
  options: KEY_OPTIONS,
  examples: [
    'aimass models history --fleet turbines --key dev-0000001',
    'aimass models history --fleet turbines --key dev-0000001 --url http://127.0.0.1:8080',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    let items: ModelRow[];
    let selection: string;
    if (ctx.url !== undefined) {
      const client = remoteClient(ctx, ctx.url);
      selection = metricColumn((await client.getFleet(fleet)).spec?.metric);
      items = (await client.getModel(fleet, key)).history;
    } else {
      const store = await ctx.openStore({ mustExist: true });
      selection = metricColumn((await fleetSpec(store, fleet)).spec.metric);
      items = await store.history(fleet, key);
    }
    if (ctx.json) ctx.emit({ fleet, key, items });
    else if (items.length === 0) ctx.out(`no versions of key "${key}" in fleet "${fleet}"`);
    else ctx.out(modelTable(items, selection));
    return 0;
  },
});
