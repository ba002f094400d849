import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureIo } from '../../src/cli/lib/io.ts';
import { main } from '../../src/cli/main.ts';

/**
 * aimass exactly as a user runs it: the `aimass` command line (in-process, so it is quick), on its
 * own data dir. `init` writes the spec; nothing in it is changed before `train`.
 */
export interface AimassCli {
  /** `aimass init --data FILE ...flags --out spec.yaml`: the spec's text as written. */
  init(file: string, flags: readonly string[]): Promise<string>;
  /** `aimass train --spec spec.yaml --data FILE` (one thread: the box is shared). */
  train(file: string): Promise<void>;
  /** `aimass forecast --json`: the parsed answer. */
  forecast(fleet: string, key: string, horizon: number): Promise<ForecastAnswer>;
  /** `aimass models ls --json`: every champion. */
  models(fleet: string): Promise<{ key: string; algorithm: string; fallbackReason: string | null }[]>;
}

export interface ForecastAnswer {
  readonly forecast: (number | null)[];
  readonly model: { algorithm: string; fallback: string | null };
  readonly intervals: { level: number; lower: (number | null)[]; upper: (number | null)[] }[];
}

export function aimassCli(dir: string): AimassCli {
  const env = { AIMASS_DATA_DIR: join(dir, 'aimass-data') };
  const specFile = join(dir, 'spec.yaml');
  const run = async (argv: string[]): Promise<string> => {
    const io = captureIo(env);
    const code = await main(argv, io);
    if (code !== 0) throw new Error(`aimass ${argv.join(' ')} exited ${code}: ${io.stderrText()}`);
    return io.stdoutText();
  };
  return {
    async init(file, flags) {
      await run(['init', '--data', file, ...flags, '--out', specFile, '--force']);
      return readFileSync(specFile, 'utf8');
    },
    async train(file) {
      await run(['train', '--spec', specFile, '--data', file, '--threads', '1', '--json']);
    },
    async forecast(fleet, key, horizon) {
      return JSON.parse(
        await run(['forecast', '--fleet', fleet, '--key', key, '--horizon', String(horizon), '--json']),
      ) as ForecastAnswer;
    },
    async models(fleet) {
      const items: { key: string; algorithm: string; fallbackReason: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const page = JSON.parse(
          await run([
            'models',
            'ls',
            '--fleet',
            fleet,
            '--limit',
            '1000',
            ...(cursor ? ['--cursor', cursor] : []),
            '--json',
          ]),
        ) as { items: typeof items; nextCursor: string | null };
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
  };
}
