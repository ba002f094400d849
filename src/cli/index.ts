/**
 * The `aimass` command line: `main(argv, io?)` runs one command and resolves to its exit code
 * (0 ok, 1 error, 2 usage error, 130 interrupted). Commands are built with `defineCommand` /
 * `defineGroup` (parseArgs, `--help`, `--json`, error reporting); `captureIo` runs them in tests.
 */
export type { CommandSpec, OptionSpec } from './lib/command.ts';
export { CommandContext, defineCommand, defineGroup, describeError, UsageError } from './lib/command.ts';
export type { CapturedIo, CliIo } from './lib/io.ts';
export { captureIo, processIo } from './lib/io.ts';
export type { Command } from './main.ts';
export { main } from './main.ts';
