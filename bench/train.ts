import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqlitePathIn } from '../src/store/index.ts';
import type { BenchArgs } from './lib/args.ts';
import { fleetCsv } from './lib/data.ts';
import type { Reporter } from './lib/report.ts';
import { loadAverage } from './lib/stats.ts';

const CASE_SCRIPT = fileURLToPath(new URL('./train-case.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../', import.meta.url));

/** Runs one case in a child process (its own peak RSS) and returns the JSON it prints. */
function runChild(args: string[]): Promise<Record<string, number | string | Record<string, number>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CASE_SCRIPT, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{'))
        return reject(new Error(`train-case ${args.join(' ')} exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(last));
    });
  });
}

/** A fresh data dir holding a copy of the imported store (the queue lives in the same SQLite file). */
function copyStore(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  const source = sqlitePathIn(from);
  const target = sqlitePathIn(to);
  for (const suffix of ['', '-wal'])
    if (existsSync(source + suffix)) copyFileSync(source + suffix, target + suffix);
}

/**
 * End-to-end fleet training through the real engine (store, queue, shards, worker pool): import the
 * generated fleet into a fresh SQLite store once, then train a copy of it per thread count, each in
 * its own child process. Models/s = entities / trainFleet wall time (import excluded).
 */
export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  const devices = args.devices ?? 10_000;
  const rowsPerDevice = args.rows ?? 500;
  const threadCounts = args.threadList ?? [1, 2];
  const csv = fleetCsv(devices, rowsPerDevice);
  const base = mkdtempSync(join(tmpdir(), 'aimass-bench-train-'));
  reporter.log(`train: ${csv} → ${base} (load ${loadAverage()})`);
  try {
    const importDir = join(base, 'import');
    const imported = await runChild(['import', '--csv', csv, '--dir', importDir]);
    const rows = imported.rows as number;
    const common = { bench: 'train', devices, rows_per_device: rowsPerDevice };
    reporter.figure({
      ...common,
      case: 'import',
      metric: 'import_rows_per_s',
      value: rows / (imported.importSeconds as number),
      unit: '1/s',
      seconds: imported.importSeconds,
      read_csv_s: imported.readSeconds,
      read_rows_per_s: rows / (imported.readSeconds as number),
      keys: imported.keys,
      peak_rss_mb: imported.peakRssMb,
    });
    const rates = new Map<number, number>();
    for (const threads of threadCounts) {
      const dir = join(base, `threads-${threads}`);
      copyStore(importDir, dir);
      reporter.log(`train: threads ${threads}, ${devices} entities (load ${loadAverage()})`);
      const result = await runChild(['train', '--dir', dir, '--threads', String(threads)]);
      rmSync(dir, { recursive: true, force: true });
      const entities = result.entities as number;
      const rate = entities / (result.seconds as number);
      rates.set(threads, rate);
      if (result.status !== 'done' || entities !== devices)
        reporter.log(`train: warning: run status ${result.status}, ${entities} of ${devices} entities`);
      const caseBase = { ...common, case: `threads_${threads}`, threads };
      reporter.figure({
        ...caseBase,
        metric: 'models_per_s',
        value: rate,
        unit: '1/s',
        seconds: result.seconds,
        cpu_seconds: result.cpuSeconds,
        engine_models_per_s: result.engineModelsPerSecond,
        status: result.status,
        fallbacks: result.fallbacks,
        failures: result.failures,
        shards_failed: result.shardsFailed,
        mean_test_rmse: result.meanRmse,
        rmse_models: result.rmseModels,
        champions: result.champions,
        algorithms: result.algorithms,
        load_avg: loadAverage(),
      });
      reporter.figure({ ...caseBase, metric: 'peak_rss_mb', value: result.peakRssMb as number, unit: 'MB' });
      reporter.figure({
        ...caseBase,
        metric: 'store_bytes_per_model',
        value: ((result.bytesAfter as number) - (result.bytesBefore as number)) / Math.max(1, entities),
        unit: 'B',
        bytes_after_import: result.bytesBefore,
        bytes_after_run: result.bytesAfter,
      });
    }
    const one = rates.get(threadCounts[0]);
    for (const threads of threadCounts.slice(1)) {
      const rate = rates.get(threads);
      if (one === undefined || rate === undefined) continue;
      reporter.figure({
        ...common,
        case: `threads_${threads}`,
        metric: 'speedup',
        value: rate / one,
        unit: 'x',
        relative_to: `threads_${threadCounts[0]}`,
      });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
