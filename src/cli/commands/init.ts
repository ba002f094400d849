import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { type FleetTask, parseFleetSpecText } from '../../fleet/spec.ts';
import { defineCommand } from '../lib/command.ts';
import { guessSpec } from '../lib/init-guess.ts';
import { renderSpecYaml } from '../lib/init-yaml.ts';
import { readTable } from '../lib/read-table.ts';

const TASKS: readonly FleetTask[] = ['regression', 'classification', 'forecast', 'anomaly'];

/** A fleet name from a file name: `My Fleet (2).csv` → `My-Fleet-2`. */
function nameFromFile(file: string): string {
  const stem = basename(file, extname(file))
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return stem === '' ? 'fleet' : stem;
}

export const initCommand = defineCommand({
  name: 'init',
  summary: 'write a commented fleet spec (YAML) guessed from a data file',
  usage:
    'init --data FILE [--key COL] [--target COL] [--time COL] [--task TASK] [--name NAME] [--out spec.yaml]',
  options: {
    data: {
      type: 'string',
      value: 'FILE',
      description: 'a sample of the data (.csv, .ndjson, .jsonl, .json)',
    },
    key: {
      type: 'string',
      value: 'COL',
      description: 'entity key column (default: guessed, e.g. device_id)',
    },
    target: {
      type: 'string',
      value: 'COL',
      description: 'column to predict (default: the last numeric column)',
    },
    time: {
      type: 'string',
      value: 'COL',
      description: 'time column (default: an ISO time column, or epoch numbers named ts/time/timestamp)',
    },
    task: {
      type: 'string',
      value: 'TASK',
      description: 'regression | classification | forecast | anomaly (default: from the target)',
    },
    name: { type: 'string', value: 'NAME', description: 'fleet name (default: from the file name)' },
    out: { type: 'string', value: 'FILE', description: 'write the spec here (default: print it on stdout)' },
    force: { type: 'boolean', description: 'overwrite --out if it exists' },
  },
  notes: ['The written spec validates as is; every field is explained in a comment beside it.'],
  examples: [
    'aimass init --data fleet.csv --out spec.yaml',
    'aimass init --data fleet.csv --key device_id --target target_reg --task regression --name turbines',
  ],
  async run(ctx) {
    const file = ctx.requireString('data');
    const task = ctx.choice('task', TASKS);
    const out = ctx.string('out');
    if (out !== undefined && existsSync(out) && !ctx.flag('force'))
      throw new AimassError('CONFLICT', `${out} exists; pass --force to overwrite it`, { file: out });
    const name = ctx.string('name') ?? nameFromFile(file);
    const { frame } = await readTable(file, { keyColumn: ctx.string('key') ?? null });
    const guess = guessSpec(frame, file, {
      key: ctx.string('key'),
      target: ctx.string('target'),
      time: ctx.string('time'),
      task,
    });
    const text = renderSpecYaml(guess, { name, file, rows: frame.rowCount, columns: frame.columns.length });
    let spec: ReturnType<typeof parseFleetSpecText>;
    try {
      spec = parseFleetSpecText(text, out ?? 'spec.yaml');
    } catch (error) {
      // A bad --name is the user's; anything else is a bug in the template.
      if (isAimassError(error) && error.context.field === 'name') throw error;
      throw new AimassError(
        'INTERNAL',
        `aimass init wrote a spec that does not validate: ${(error as Error).message}`,
      );
    }
    if (out !== undefined) await writeFile(out, text);
    if (ctx.json) ctx.emit({ file: out ?? null, spec, guess, ...(out === undefined ? { yaml: text } : {}) });
    else if (out === undefined) ctx.out(text);
    else {
      const time =
        guess.time === null ? 'none' : `${guess.time}${guess.timeUnit ? ` (epoch ${guess.timeUnit})` : ''}`;
      ctx.out(
        [
          `wrote ${out}: fleet "${name}", ${guess.task}`,
          `  key ${guess.key} (${guess.distinctKeys} entities), time ${time}, target ${guess.target ?? 'none'}`,
          `  features ${guess.features.join(', ') || 'none'}`,
          ...guess.excluded.map((e) => `  left out ${e.name}: ${e.reason}`),
          `next: aimass import --spec ${out} ${file} && aimass train --fleet ${name}`,
        ].join('\n'),
      );
    }
    return 0;
  },
});
