// The `aimass` command line. Each command lives in its own module and is loaded on demand, so
// `aimass --help` stays fast.
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<Command>> = {
  start: async () => (await import('./start.ts')).startCommand,
};

function usage(): string {
  const lines = Object.keys(commands).map((name) => `  ${name}`);
  return [
    'aimass: one machine-learning model per entity, trained, stored and served automatically.',
    '',
    'Usage: aimass <command> [options]     (aimass <command> --help for details)',
    '',
    'Commands:',
    ...lines,
    '',
    'Example:',
    '  aimass start            # embedded all-in-one on 127.0.0.1, demo fleet on first run',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write('aimass 0.1.0\n');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`aimass: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
