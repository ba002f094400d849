// The `aimass` command line. Each command lives in its own module and is loaded on demand, so
// `aimass --help` stays fast.
import { type CliIo, processIo } from './lib/io.ts';

export interface Command {
  summary: string;
  /** Runs the command; resolves to the exit code (0 ok, 1 error, 2 usage error, 130 interrupted). */
  run(argv: string[], io?: CliIo): Promise<number>;
}

interface Entry {
  /** Shown by `aimass --help` without loading the module. */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const commands: Record<string, Entry> = {
  start: {
    summary: 'run aimass embedded (API, workers, demo fleet)',
    load: async () => (await import('./commands/start.ts')).startCommand,
  },
  init: {
    summary: 'write a commented fleet spec (YAML) guessed from a data file',
    load: async () => (await import('./commands/init.ts')).initCommand,
  },
  import: {
    summary: "store a CSV/NDJSON file's rows per entity (creates the fleet)",
    load: async () => (await import('./commands/import.ts')).importCommand,
  },
  train: {
    summary: 'train (or resume training) one model per entity, with progress',
    load: async () => (await import('./commands/train.ts')).trainCommand,
  },
  models: {
    summary: 'list, show and trace model versions (ls | show | history | promote | rollback)',
    load: async () => (await import('./commands/models.ts')).modelsCommand,
  },
  predict: {
    summary: "predict rows of a file with an entity's champion (or the fallback)",
    load: async () => (await import('./commands/predict.ts')).predictCommand,
  },
  forecast: {
    summary: 'forecast the next steps of an entity (forecast fleets)',
    load: async () => (await import('./commands/forecast.ts')).forecastCommand,
  },
  export: {
    summary: 'write a model bundle to a file',
    load: async () => (await import('./commands/export.ts')).exportCommand,
  },
  'import-model': {
    summary: 'validate a bundle file and store it as a model version',
    load: async () => (await import('./commands/import-model.ts')).importModelCommand,
  },
  fleets: {
    summary: 'list fleets and show one (spec, data, models, latest run)',
    load: async () => (await import('./commands/fleets.ts')).fleetsCommand,
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 2;
  const lines = Object.entries(commands).map(([name, entry]) => `  ${name.padEnd(width)}${entry.summary}`);
  return [
    'aimass: one machine-learning model per entity, trained, stored and served automatically.',
    '',
    'Usage: aimass <command> [options]     (aimass <command> --help for details)',
    '',
    'Commands:',
    ...lines,
    '',
    'Common options: --data-dir DIR (default ./aimass-data; env AIMASS_DATA_DIR), --json, --help',
    '',
    'Example:',
    '  aimass start            # embedded all-in-one on 127.0.0.1, demo fleet on first run',
    '  aimass init --data fleet.csv --out spec.yaml && aimass train --spec spec.yaml --data fleet.csv',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout('aimass 0.1.0\n');
    return 0;
  }
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    io.stderr(`aimass: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest, io);
}
