import { FALLBACK_KEY } from '../train/entity-result.ts';
import { defineCommand } from './command.ts';
import { findModel } from './models-show.ts';
import { fleetSpec } from './serving.ts';

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

export const modelsPromoteCommand = defineCommand({
  name: 'models promote',
  summary: 'make a version the champion of its key (the previous one is archived)',
  usage: 'models promote --fleet NAME --key KEY --version V [--reason TEXT]',
  options: {
    ...KEY_OPTIONS,
    version: { type: 'string', value: 'V', description: 'the version to promote (required)' },
  },
  notes: ['A running server may answer with the old champion until its cache entry expires.'],
  examples: ['aimass models promote --fleet turbines --key dev-0000001 --version 3 --reason "manual check"'],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const version = ctx.int('version', 1);
    if (version === undefined) return ctx.usage('--version is required');
    const store = await ctx.openStore({ mustExist: true });
    await fleetSpec(store, fleet);
    const previous = await store.getChampion(fleet, key);
    await findModel(store, fleet, key, version);
    await store.promote(fleet, key, version, ctx.string('reason') ?? 'by aimass models promote');
    const result = { fleet, key, champion: version, previous: previous?.version ?? null };
    if (ctx.json) ctx.emit(result);
    else
      ctx.out(`${fleet}/${key}: champion is now v${version}${previous ? ` (was v${previous.version})` : ''}`);
    return 0;
  },
});

export const modelsRollbackCommand = defineCommand({
  name: 'models rollback',
  summary: 'archive the champion and restore the one before it',
  usage: 'models rollback --fleet NAME --key KEY [--reason TEXT]',
  options: KEY_OPTIONS,
  examples: ['aimass models rollback --fleet turbines --key dev-0000001'],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const store = await ctx.openStore({ mustExist: true });
    await fleetSpec(store, fleet);
    const previous = await findModel(store, fleet, key);
    const restored = await store.rollback(fleet, key, ctx.string('reason') ?? 'by aimass models rollback');
    const result = { fleet, key, champion: restored, previous: previous.version };
    if (ctx.json) ctx.emit(result);
    else ctx.out(`${fleet}/${key}: champion is now v${restored} (v${previous.version} archived)`);
    return 0;
  },
});
