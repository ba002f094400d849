import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { sharedDir } from '../../testing/fixtures.ts';
import { main } from '../main.ts';
import { captureIo } from './io.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aimass ...argv` in-process with captured output and no AIMASS_* environment. */
export async function runCli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const io = captureIo(env);
  const code = await main(argv, io);
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** Runs and parses the one JSON document of `--json`. */
export async function runJson<T = Record<string, unknown>>(
  argv: string[],
): Promise<{ code: number; value: T; stderr: string }> {
  const run = await runCli([...argv, '--json']);
  let value: T;
  try {
    value = JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(
      `aimass ${argv.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`,
    );
  }
  return { code: run.code, value, stderr: run.stderr };
}

/** The shared synthetic fleet generator (device_id, ts epoch seconds, f1..f8, target_reg, target_cls). */
export function generateFleet(out: string, devices: number, rows: number, seed = 1): string {
  execFileSync(process.execPath, [
    join(sharedDir, 'bench', 'gen-fleet.mjs'),
    ...['--devices', String(devices), '--rows', String(rows), '--seed', String(seed), '--out', out],
  ]);
  return out;
}
