import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { AimassError } from '../../core/errors.ts';
import { FALLBACK_KEY } from '../../fleet/keys.ts';
import { defineCommand } from '../lib/command.ts';
import { formatCount } from '../lib/format.ts';
import { fleetSpec } from '../lib/serving.ts';
import { findModel } from './models-show.ts';

export const exportCommand = defineCommand({
  name: 'export',
  summary: 'write a model bundle (the champion, or a version) to a file',
  usage: 'export --fleet NAME --key KEY [--version V] --out model.aimb',
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
    key: {
      type: 'string',
      value: 'KEY',
      description: `entity key (required; ${FALLBACK_KEY} is the fleet fallback)`,
    },
    version: { type: 'string', value: 'V', description: 'this version instead of the champion' },
    out: { type: 'string', value: 'FILE', description: 'bundle file to write (required)' },
    force: { type: 'boolean', description: 'overwrite --out if it exists' },
  },
  notes: ['The file is the raw bundle (data only, self-describing); aimass import-model reads it back.'],
  examples: [
    'aimass export --fleet turbines --key dev-0000001 --out dev-1.aimb',
    'aimass export --fleet turbines --key dev-0000001 --version 2 --out dev-1-v2.aimb --json',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const out = ctx.requireString('out');
    const version = ctx.int('version', 1);
    if (existsSync(out) && !ctx.flag('force'))
      throw new AimassError('CONFLICT', `${out} exists; pass --force to overwrite it`, { file: out });
    const store = await ctx.openStore({ mustExist: true });
    await fleetSpec(store, fleet);
    const record = await findModel(store, fleet, key, version);
    if (record.bundle.length === 0)
      throw new AimassError(
        'MODEL_NOT_FOUND',
        `key "${key}" v${record.version} has no bundle of its own: the fleet fallback serves it (${record.fallbackReason ?? 'no reason recorded'}); export --key ${FALLBACK_KEY} instead`,
        { fleet, key },
      );
    await writeFile(out, record.bundle);
    const result = {
      file: out,
      fleet,
      key,
      version: record.version,
      algorithm: record.algorithm,
      bytes: record.bundle.length,
    };
    if (ctx.json) ctx.emit(result);
    else
      ctx.out(
        `wrote ${out}: ${fleet}/${key} v${record.version} ${record.algorithm}, ${formatCount(result.bytes)} bytes`,
      );
    return 0;
  },
});
