import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Shared folder beside the repo; AIMASS_SHARED overrides. */
export const sharedDir = process.env.AIMASS_SHARED ?? resolve(repoRoot, '../shared');
/** Generated data is cached here between runs (outside git); AIMASS_BENCH_DATA overrides. */
export const benchDataDir = process.env.AIMASS_BENCH_DATA ?? resolve(repoRoot, '.bench-data');

function generate(name: string, args: string[]): string {
  mkdirSync(benchDataDir, { recursive: true });
  const path = join(benchDataDir, name);
  if (existsSync(path)) return path;
  const partial = `${path}.partial`;
  const generator = join(sharedDir, 'bench', 'gen-fleet.mjs');
  const result = spawnSync(process.execPath, [generator, ...args, '--out', partial], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`gen-fleet.mjs failed (${args.join(' ')})`);
  renameSync(partial, path);
  return path;
}

/** The tabular fleet CSV (device_id,ts,f1..f8,target_reg,target_cls), generated once. */
export function fleetCsv(devices: number, rows: number, seed = 1): string {
  return generate(`fleet_${devices}x${rows}_s${seed}.csv`, [
    '--devices',
    String(devices),
    '--rows',
    String(rows),
    '--seed',
    String(seed),
  ]);
}

/** The forecasting series CSV (series_id,ts,y), generated once. */
export function seriesCsv(series: number, points: number, seed = 1): string {
  return generate(`series_${series}x${points}_s${seed}.csv`, [
    '--series',
    '--devices',
    String(series),
    '--rows',
    String(points),
    '--seed',
    String(seed),
  ]);
}
