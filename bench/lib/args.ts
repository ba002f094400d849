import { parseArgs } from 'node:util';

/** Flags every benchmark understands; each bench reads what it needs and ignores the rest. */
export interface BenchArgs {
  json: boolean;
  devices?: number;
  rows?: number;
  models?: number;
  /** The first value of `--threads` (a single count, or a list such as `1,2`). */
  threads?: number;
  /** Every value of `--threads 1,2`, for benchmarks that compare thread counts. */
  threadList?: number[];
  algorithms?: string[];
}

export function parseBenchArgs(argv: string[]): { names: string[]; args: BenchArgs } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      devices: { type: 'string' },
      rows: { type: 'string' },
      models: { type: 'string' },
      threads: { type: 'string' },
      algo: { type: 'string' },
    },
  });
  const int = (text: string | undefined, flag: string): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`--${flag} must be a positive integer, got ${text}`);
    return value;
  };
  const threadList = values.threads?.split(',').map((part) => int(part.trim(), 'threads') as number);
  return {
    names: positionals,
    args: {
      json: values.json ?? false,
      devices: int(values.devices, 'devices'),
      rows: int(values.rows, 'rows'),
      models: int(values.models, 'models'),
      threads: threadList?.[0],
      threadList,
      algorithms: values.algo?.split(',').filter(Boolean),
    },
  };
}
