import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { openQueue, type Queue } from '../../queue/index.ts';
import { openStore, sqliteFileOf } from '../../store/index.ts';
import type { Store } from '../../store/store.ts';
import type { Command } from '../main.ts';
import { type CliIo, processIo } from './io.ts';

/** A bad command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder in the help text, e.g. `FILE`. */
  readonly value?: string;
  readonly description: string;
  readonly short?: string;
}

export interface CommandSpec {
  /** As typed after `aimass`, e.g. `models ls`. */
  readonly name: string;
  /** One line for `aimass --help` and the top of the command's help. */
  readonly summary: string;
  /** Synopsis after `aimass `, e.g. `models ls --fleet NAME [options]`. */
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments allowed: [min, max] (default [0, 0]). */
  readonly positionals?: readonly [min: number, max: number];
  /** Whether `--url URL` (a remote server) is accepted. */
  readonly remote?: boolean;
  /** Extra paragraphs of help after the options. */
  readonly notes?: readonly string[];
  readonly examples: readonly string[];
  run(ctx: CommandContext): Promise<number | undefined>;
}

const COMMON: Readonly<Record<string, OptionSpec>> = {
  'data-dir': {
    type: 'string',
    value: 'DIR',
    description: 'data folder (default ./aimass-data; env AIMASS_DATA_DIR)',
  },
  json: { type: 'boolean', description: 'print one JSON document on stdout instead of text' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};
const URL_OPTION: OptionSpec = {
  type: 'string',
  value: 'URL',
  description: 'a remote aimass server (env AIMASS_URL; token from AIMASS_TOKEN)',
};

/** The parsed command line and the resources a command opens (closed when it returns). */
export class CommandContext {
  readonly json: boolean;
  readonly dataDir: string;
  readonly url: string | undefined;
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(
    readonly spec: CommandSpec,
    readonly io: CliIo,
    private readonly values: Record<string, string | boolean | undefined>,
    readonly positionals: readonly string[],
  ) {
    this.json = values.json === true;
    this.dataDir = this.string('data-dir') ?? io.env.AIMASS_DATA_DIR ?? 'aimass-data';
    // AIMASS_URL only steers commands that can talk to a server; an explicit --url anywhere else
    // is refused by `localOnly` with a clear message.
    this.url = spec.remote ? (this.string('url') ?? nonEmpty(io.env.AIMASS_URL)) : this.string('url');
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    return typeof value === 'string' ? value : undefined;
  }

  requireString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
    return value;
  }

  /** Throws the usage error (exit 2) for a rule parseArgs cannot express. */
  usage(message: string): never {
    throw new UsageError(message);
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  /** An integer option in [min, max], or `undefined` when not given. */
  int(name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max)
      throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got "${text}"`);
    return value;
  }

  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (!allowed.includes(text as T))
      throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${text}"`);
    return text as T;
  }

  out(text: string): void {
    this.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** The one JSON document of `--json`. */
  emit(value: unknown): void {
    this.io.stdout(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
  }

  /** Runs `cleanup` when the command ends, last registered first. */
  defer(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /**
   * Opens the store of `--data-dir` (or `AIMASS_STORE`). Read-only commands pass
   * `mustExist`, so a mistyped folder is an error instead of a new empty database.
   */
  async openStore(options: { mustExist: boolean }): Promise<Store> {
    const config = this.storeConfig();
    const file = sqliteFileOf(config);
    if (file !== null && options.mustExist && !existsSync(file))
      throw new AimassError(
        'NOT_FOUND',
        `no aimass data in "${config.url === undefined ? this.dataDir : file}" (import data first, or pass --data-dir / set AIMASS_DATA_DIR)`,
        { file },
      );
    const store = await openStore(config);
    this.defer(() => store.close());
    return store;
  }

  /** Opens the job queue of `AIMASS_QUEUE` (default: the local queue in the store's SQLite file). */
  async openQueue(): Promise<Queue> {
    const queue = await openQueue({
      url: nonEmpty(this.io.env.AIMASS_QUEUE),
      sqliteFile: sqliteFileOf(this.storeConfig()),
    });
    this.defer(() => queue.close());
    return queue;
  }

  /** The store `--data-dir` / `AIMASS_DATA_DIR` and `AIMASS_STORE` name. */
  storeConfig(): { url?: string; dataDir: string } {
    return { url: nonEmpty(this.io.env.AIMASS_STORE), dataDir: this.dataDir };
  }

  /** Rejects `--url` for commands that only work on a local data folder (all but `remote` ones). */
  localOnly(): void {
    if (this.url !== undefined)
      throw new AimassError(
        'UNAVAILABLE',
        `--url is not supported by "aimass ${this.spec.name}" yet; run it on the server's machine with --data-dir`,
        { field: 'url' },
      );
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        this.io.stderr(`aimass ${this.spec.name}: while closing: ${(error as Error).message}\n`);
      }
    }
    this.cleanups.length = 0;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Typed arrays as lists; JSON's null for non-finite numbers is JSON.stringify's own rule. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as Float64Array);
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/** Options of the help text; parsing also accepts `--url` everywhere, to refuse it clearly. */
function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.remote ? { url: URL_OPTION } : {}), ...COMMON };
}

export function helpText(spec: CommandSpec): string {
  const options = Object.entries(allOptions(spec));
  const left = options.map(
    ([name, o]) => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`,
  );
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return [
    `aimass ${spec.name}: ${spec.summary}`,
    '',
    `Usage: aimass ${spec.usage}`,
    '',
    'Options:',
    ...options.map(([, o], i) => `  ${left[i].padEnd(width)}${o.description}`),
    ...(spec.notes ? ['', ...spec.notes] : []),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
  ].join('\n');
}

/** `message [CODE; file x, line 3, field y]`: the error and where it happened. */
export function describeError(error: unknown): string {
  if (!isAimassError(error)) return error instanceof Error ? error.message : String(error);
  const where: string[] = [];
  const context = error.context;
  for (const name of ['file', 'line', 'row', 'column', 'field', 'key', 'fleet'] as const) {
    const value = context[name];
    if (value !== undefined && value !== null && value !== '') where.push(`${name} ${String(value)}`);
  }
  return `${error.message} [${[error.code, ...where].join('; ')}]`;
}

/** Wraps a spec into a `Command`: help, parsing, error reporting and exit codes in one place. */
export function defineCommand(spec: CommandSpec): Command {
  return {
    summary: spec.summary,
    async run(argv, io = processIo) {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout(helpText(spec));
        return 0;
      }
      const wantsJson = argv.includes('--json');
      let ctx: CommandContext | undefined;
      try {
        const parsed = parseCommandLine(argv, { ...allOptions(spec), url: URL_OPTION });
        const [min, max] = spec.positionals ?? [0, 0];
        if (parsed.positionals.length < min || parsed.positionals.length > max) {
          throw new UsageError(
            max === 0
              ? `unexpected argument "${parsed.positionals[0]}"`
              : parsed.positionals.length < min
                ? `missing argument (usage: aimass ${spec.usage})`
                : `too many arguments (usage: aimass ${spec.usage})`,
          );
        }
        ctx = new CommandContext(spec, io, parsed.values, parsed.positionals);
        if (!spec.remote) ctx.localOnly();
        return (await spec.run(ctx)) ?? 0;
      } catch (error) {
        if (error instanceof UsageError) {
          io.stderr(`aimass ${spec.name}: ${error.message}\n(see: aimass ${spec.name} --help)\n`);
          if (wantsJson)
            io.stdout(`${JSON.stringify({ error: { code: 'USAGE', message: error.message } })}\n`);
          return 2;
        }
        io.stderr(`aimass ${spec.name}: ${describeError(error)}\n`);
        if (wantsJson) {
          const body = isAimassError(error)
            ? error.toJSON()
            : { code: 'INTERNAL', message: (error as Error)?.message ?? String(error), details: {} };
          io.stdout(`${JSON.stringify({ error: body }, jsonReplacer)}\n`);
        }
        return 1;
      } finally {
        await ctx?.close();
      }
    },
  };
}

function parseCommandLine(
  argv: string[],
  options: Record<string, OptionSpec>,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, o] of Object.entries(options))
    config[name] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: config,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown options and missing values.
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError((error as Error).message.split('. To specify')[0]);
    throw error;
  }
}

/** A command with subcommands (`aimass models ls`): dispatches on the first argument. */
export function defineGroup(
  name: string,
  summary: string,
  subcommands: Record<string, () => Promise<Command>>,
  summaries: Record<string, string>,
  example: string,
): Command {
  const help = [
    `aimass ${name}: ${summary}`,
    '',
    `Usage: aimass ${name} <${Object.keys(subcommands).join('|')}> [options]   (aimass ${name} <sub> --help)`,
    '',
    'Subcommands:',
    ...Object.keys(subcommands).map((sub) => `  ${sub.padEnd(10)}${summaries[sub] ?? ''}`),
    '',
    'Example:',
    `  ${example}`,
    '',
  ].join('\n');
  return {
    summary,
    async run(argv, io = processIo) {
      const [sub, ...rest] = argv;
      if (sub === undefined) {
        io.stderr(`aimass ${name}: a subcommand is required\n\n${help}`);
        return 2;
      }
      if (sub === '--help' || sub === '-h' || sub === 'help') {
        io.stdout(help);
        return 0;
      }
      const load = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
      if (!load) {
        io.stderr(`aimass ${name}: unknown subcommand "${sub}"\n\n${help}`);
        return 2;
      }
      return (await load()).run(rest, io);
    },
  };
}
