/**
 * The `aimass` command line: `main(argv, io?)` runs one command and resolves to its exit code
 * (0 ok, 1 error, 2 usage error, 130 interrupted). Commands are built with `defineCommand` /
 * `defineGroup` (parseArgs, `--help`, `--json`, error reporting); `captureIo` runs them in tests.
 */
export type { CommandSpec, OptionSpec } from './command.ts';
export { CommandContext, defineCommand, defineGroup, describeError, UsageError } from './command.ts';
export type { CapturedIo, CliIo } from './io.ts';
export { captureIo, processIo } from './io.ts';
export type { Command } from './main.ts';
export { main } from './main.ts';
