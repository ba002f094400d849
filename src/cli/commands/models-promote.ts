import { FALLBACK_KEY } from '../../fleet/keys.ts';
import { type CommandContext, defineCommand } from '../lib/command.ts';
import { remoteClient } from '../lib/remote.ts';
import { fleetSpec } from '../lib/serving.ts';
import { findModel } from './models-show.ts';

const KEY_OPTIONS = {
  fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
  key: {
    type: 'string',
    value: 'KEY',
    description: `entity key (required; ${FALLBACK_KEY} is the fleet fallback)`,
  },
  reason: {
    type: 'string',
    value: 'TEXT',
    description: 'why, recorded with the event (default: "by aimass <command>")',
  },
} as const;

interface ChampionResult {
  fleet: string;
  key: string;
  champion: number;
  /** The champion before the change, when known (local only). */
  previous: number | null;
}

function print(ctx: CommandContext, result: ChampionResult): void {
  if (ctx.json) ctx.emit(result);
  else
    ctx.out(
      `${result.fleet}/${result.key}: champion is now v${result.champion}${result.previous === null ? '' : ` (was v${result.previous})`}`,
    );
}

export const modelsPromoteCommand = defineCommand({
  name: 'models promote',
  summary: 'make a version the champion of its key (the previous one is archived)',
  usage: 'models promote --fleet NAME --key KEY --version V [--reason TEXT]',
  remote: true,
  options: {
    ...KEY_OPTIONS,
    version: { type: 'string', value: 'V', description: 'the version to promote (required)' },
  },
  notes: [
    'Locally, a running server may answer with the old champion until its cache entry expires;',
    'with --url the server itself promotes and invalidates its cache.',
  ],
  examples: [
    'aimass models promote --fleet turbines --key dev-0000001 --version 3 --reason "manual check"',
    'aimass models promote --fleet turbines --key dev-0000001 --version 3 --url http://127.0.0.1:8080',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const version = ctx.int('version', 1);
    if (version === undefined) return ctx.usage('--version is required');
    const reason = ctx.string('reason') ?? 'by aimass models promote';
    if (ctx.url !== undefined) {
      const change = await remoteClient(ctx, ctx.url).promote(fleet, key, version, reason);
      print(ctx, { fleet, key, champion: change.champion, previous: null });
      return 0;
    }
    const store = await ctx.openStore({ mustExist: true });
    await fleetSpec(store, fleet);
    const previous = await store.getChampion(fleet, key);
    await findModel(store, fleet, key, version);
    await store.promote(fleet, key, version, reason);
    print(ctx, { fleet, key, champion: version, previous: previous?.version ?? null });
    return 0;
  },
});

export const modelsRollbackCommand = defineCommand({
  name: 'models rollback',
  summary: 'archive the champion and restore the one before it',
  usage: 'models rollback --fleet NAME --key KEY [--reason TEXT]',
  remote: true,
  options: KEY_OPTIONS,
  examples: ['aimass models rollback --fleet turbines --key dev-0000001'],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const reason = ctx.string('reason') ?? 'by aimass models rollback';
    if (ctx.url !== undefined) {
      const change = await remoteClient(ctx, ctx.url).rollback(fleet, key, reason);
      print(ctx, { fleet, key, champion: change.champion, previous: null });
      return 0;
    }
    const store = await ctx.openStore({ mustExist: true });
    await fleetSpec(store, fleet);
    const previous = await findModel(store, fleet, key);
    const restored = await store.rollback(fleet, key, reason);
    print(ctx, { fleet, key, champion: restored, previous: previous.version });
    return 0;
  },
});
