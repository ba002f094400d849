import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { loadPredictor } from '../../fleet/load-predictor.ts';
import type { Predictor } from '../../fleet/predictor.ts';
import { defineCommand } from '../lib/command.ts';
import { formatCount } from '../lib/format.ts';
import { fleetSpec } from '../lib/serving.ts';

/** Larger files are refused before they are read: no real bundle comes close. */
const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

export const importModelCommand = defineCommand({
  name: 'import-model',
  summary: 'validate a bundle file and store it as a model version of a key',
  usage: 'import-model --fleet NAME --key KEY FILE [--promote]',
  positionals: [1, 1],
  options: {
    fleet: { type: 'string', value: 'NAME', description: 'fleet name (required)' },
    key: { type: 'string', value: 'KEY', description: 'entity key the model will serve (required)' },
    promote: {
      type: 'boolean',
      description: 'make it the champion at once (default: stored as a candidate)',
    },
  },
  notes: [
    'The bundle is fully decoded first: a corrupt or hostile file is rejected with the codec error',
    '(CODEC_CORRUPT / CODEC_UNSUPPORTED) and nothing is stored. Its task must match the fleet.',
  ],
  examples: [
    'aimass import-model --fleet turbines --key dev-0000001 dev-1.aimb',
    'aimass import-model --fleet turbines --key dev-0000002 dev-1.aimb --promote --json',
  ],
  async run(ctx) {
    const fleet = ctx.requireString('fleet');
    const key = ctx.requireString('key');
    const file = ctx.positionals[0];
    const store = await ctx.openStore({ mustExist: true });
    const { spec, version: specVersion } = await fleetSpec(store, fleet);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new AimassError('FILE_INVALID', `${file}: cannot read: ${(error as Error).message}`, { file });
    }
    if (bytes.length > MAX_BUNDLE_BYTES)
      throw new AimassError('LIMIT_EXCEEDED', `${file}: ${bytes.length} bytes is larger than any bundle`, {
        file,
      });
    let predictor: Predictor;
    try {
      predictor = loadPredictor(bytes);
    } catch (error) {
      if (!isAimassError(error)) throw error;
      throw new AimassError(
        error.code,
        `${file}: not a valid model bundle: ${error.message}`,
        { ...error.context, file },
        { cause: error },
      );
    }
    if (predictor.task !== spec.task)
      throw new AimassError(
        'DATA_INVALID',
        `${file}: a ${predictor.task} model cannot serve fleet "${fleet}" (task ${spec.task})`,
        { file, fleet, field: 'task' },
      );
    const meta = predictor.meta;
    if (meta.key !== key && !ctx.json)
      ctx.err(
        `note: the bundle was trained for key "${meta.key}" of fleet "${meta.fleet}"; stored for "${key}"`,
      );
    const promote = ctx.flag('promote');
    const info = await store.insertModel(fleet, {
      key,
      bundle: bytes,
      algorithm: predictor.algorithm,
      params: meta.params,
      metrics: meta.metrics,
      trainStart: meta.dataRange?.minTimeMs ?? null,
      trainEnd: meta.dataRange?.maxTimeMs ?? null,
      rowCount: meta.trainingRows,
      dataHash: `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}`,
      specVersion,
      fallbackReason: null,
      status: promote ? 'champion' : 'candidate',
    });
    // insertModel leaves the decision record to the caller.
    if (promote)
      await store.appendEvent(fleet, {
        kind: 'promote',
        key,
        reason: `imported from ${file} with --promote`,
        numbers: { version: info.version },
      });
    if (ctx.json) ctx.emit({ file, model: info });
    else
      ctx.out(
        `stored ${fleet}/${key} v${info.version} (${info.status}): ${info.algorithm}, ${formatCount(bytes.length)} bytes from ${file}`,
      );
    return 0;
  },
});
