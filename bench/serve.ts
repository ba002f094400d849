import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createRng } from '../src/core/rng.ts';
import { createFrame, numberColumn, numericValues, toMatrix } from '../src/data/frame.ts';
import { encodeEntityBundle } from '../src/fleet/bundle.ts';
import { FALLBACK_KEY } from '../src/fleet/keys.ts';
import type { LinearState } from '../src/models/linear/linear-state.ts';
import { ridgeEstimator } from '../src/models/linear/ridge.ts';
import { compilePipeline, featureColumns, fitTransformPipeline } from '../src/preprocess/pipeline.ts';
import { openStore } from '../src/store/open-store.ts';
import type { NewModel } from '../src/store/types.ts';
import type { BenchArgs } from './lib/args.ts';
import { benchDataDir } from './lib/data.ts';
import type { Reporter } from './lib/report.ts';

const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
const FLEET = 'serve';
/** Keys at the end of the key space are never drawn by the Zipf load: each is a guaranteed cold load. */
const COLD_KEYS = 5000;
const DURATION_S = 10;
const WARMUP_S = 3;
/** The server's bundle-cache budget; AIMASS_BENCH_CACHE_MB overrides (default 256, the server's default). */
const CACHE_MB = Number(process.env.AIMASS_BENCH_CACHE_MB ?? 256);

function keyOf(i: number): string {
  return `dev-${String(i).padStart(7, '0')}`;
}

/** A real fitted template (median impute + standardize + ridge); each key gets its own coefficients. */
function template() {
  const rng = createRng(1);
  const rows = 400;
  const columns = FEATURES.map((name) =>
    numberColumn(
      name,
      Float64Array.from({ length: rows }, () => rng.normal() * 3 + 10),
    ),
  );
  const y = Float64Array.from(
    { length: rows },
    (_, i) => columns.reduce((sum, c, j) => sum + (j + 1) * c.values[i], 0) + rng.normal(),
  );
  const frame = createFrame([...columns, numberColumn('y', y)]);
  const spec = { steps: [{ step: 'impute', params: { strategy: 'median' } }, { step: 'standardize' }] };
  const { state: pipeline, frame: transformed } = fitTransformPipeline(compilePipeline(spec), frame, {
    target: 'y',
    rng,
  });
  const ridge = ridgeEstimator.fit(
    toMatrix(transformed, featureColumns(pipeline)),
    numericValues(transformed, 'y'),
    { alpha: 1 },
    rng,
  ) as LinearState;
  return { pipeline, ridge };
}

/** Builds (once, cached under .bench-data) a store with `models` registered ridge champions. */
async function prepareStore(models: number, reporter: Reporter): Promise<string> {
  const dir = join(benchDataDir, `serve_${models}`);
  if (existsSync(join(dir, 'ready'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  reporter.log(`serve: registering ${models.toLocaleString('en-US')} ridge models in ${dir} (once; cached)`);
  const started = performance.now();
  const store = await openStore({ dataDir: dir, synchronous: 'NORMAL' });
  await store.createFleet(FLEET);
  await store.putSpec(FLEET, {
    name: FLEET,
    key: 'device_id',
    target: 'y',
    task: 'regression',
    features: FEATURES,
  });
  const { pipeline, ridge } = template();
  const rng = createRng(7);
  const inputColumns = FEATURES.map((name) => ({ name, type: 'number' as const }));
  const build = (key: string): NewModel => {
    const state: LinearState = {
      coef: ridge.coef.map((c) => c * (1 + 0.2 * rng.normal())),
      intercept: ridge.intercept + rng.normal(),
    };
    const meta = {
      fleet: FLEET,
      key,
      version: 0,
      specVersion: 1,
      params: { alpha: 1 },
      metrics: { rmse: 1 },
      trainingRows: 400,
      dataRange: null,
      createdAtMs: Date.now(),
      fallbackReason: null,
    };
    const bundle = encodeEntityBundle(
      {
        task: 'regression',
        inputColumns,
        pipeline,
        model: { kind: 'estimator', estimator: ridgeEstimator, state },
      },
      meta,
    );
    return {
      key,
      bundle,
      algorithm: 'ridge',
      params: { alpha: 1 },
      metrics: { rmse: 1 },
      trainStart: null,
      trainEnd: null,
      rowCount: 400,
      dataHash: '0',
      specVersion: 1,
      fallbackReason: null,
      status: 'champion',
    };
  };
  await store.insertModel(FLEET, build(FALLBACK_KEY));
  const batch = 10_000;
  for (let start = 0; start < models; start += batch) {
    const items: NewModel[] = [];
    for (let i = start; i < Math.min(models, start + batch); i++) items.push(build(keyOf(i)));
    await store.insertModels(FLEET, items);
    if ((start / batch) % 10 === 0)
      reporter.log(`  ${(start + items.length).toLocaleString('en-US')} models`);
  }
  await store.close();
  writeFileSync(join(dir, 'ready'), `${models}\n`);
  reporter.log(`serve: store ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

/** Zipf(s) over ranks 0..n-1 by inverse CDF (binary search over the cumulative weights). */
function zipfSampler(n: number, s: number, seed: number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  const rng = createRng(seed);
  return () => {
    const u = rng.next() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        new URL('./serve-server.ts', import.meta.url).pathname,
        dataDir,
        '0',
        String(CACHE_MB),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout?.on('data', (data: Buffer) => {
      out += data.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.on('exit', (code) => reject(new Error(`serve bench server exited with ${code}`)));
  });
}

function row(rng: ReturnType<typeof createRng>): Record<string, number> {
  return Object.fromEntries(FEATURES.map((name) => [name, Math.round((rng.normal() * 3 + 10) * 100) / 100]));
}

async function load(
  url: string,
  body: () => string,
  connections: number,
  seconds: number,
): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/v1/fleets/${FLEET}/predict`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: body() }),
      },
    ],
  } as unknown as autocannon.Options);
}

/** Sequential requests for never-requested keys: every one is a cache miss (store read + decode + predict). */
async function coldLatencies(
  url: string,
  keys: readonly string[],
  rng: ReturnType<typeof createRng>,
): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL(`${url}/v1/fleets/${FLEET}/predict`);
  const times: number[] = [];
  for (const key of keys) {
    const payload = JSON.stringify({ key, rows: [row(rng)] });
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`cold request answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    times.push(performance.now() - started);
  }
  agent.destroy();
  return times.sort((a, b) => a - b);
}

function procStatus(pid: number, field: string): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * Single-row predict requests against a store of `--models` registered ridge models (default
 * 1,000,000), keys drawn Zipf(1.1), the server in a child process and autocannon here, both on this
 * machine. Then 100-row batches, then cold loads of never-requested keys, then the server's RSS.
 */
export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  const models = args.models ?? 1_000_000;
  const dataDir = await prepareStore(models, reporter);
  const { child, url } = await startServerProcess(dataDir);
  const base = { bench: 'serve', models, zipf_s: 1.1, cache_mb: CACHE_MB };
  try {
    const hot = models - Math.min(COLD_KEYS, Math.floor(models / 10));
    const zipf = zipfSampler(hot, 1.1, 42);
    const rng = createRng(3);
    const single = () => JSON.stringify({ key: keyOf(zipf()), rows: [row(rng)] });
    reporter.log(`serve: warm-up ${WARMUP_S} s`);
    await load(url, single, 32, WARMUP_S);
    const result = await load(url, single, 32, DURATION_S);
    reporter.figure({
      ...base,
      case: 'single_row',
      metric: 'req_per_s',
      value: result.requests.average,
      unit: '1/s',
      connections: 32,
      errors: result.errors,
      non2xx: result.non2xx,
    });
    reporter.figure({ ...base, case: 'single_row', metric: 'p50_ms', value: result.latency.p50, unit: 'ms' });
    reporter.figure({ ...base, case: 'single_row', metric: 'p99_ms', value: result.latency.p99, unit: 'ms' });

    const batch = () =>
      JSON.stringify({ items: Array.from({ length: 100 }, () => ({ key: keyOf(zipf()), row: row(rng) })) });
    const batched = await load(url, batch, 8, DURATION_S);
    reporter.figure({
      ...base,
      case: 'batch_100',
      metric: 'batch_rows_per_s',
      value: batched.requests.average * 100,
      unit: '1/s',
      connections: 8,
      errors: batched.errors,
      non2xx: batched.non2xx,
      p99_ms: batched.latency.p99,
    });

    const coldKeys = Array.from({ length: Math.min(2000, models - hot) }, (_, i) => keyOf(hot + i));
    const cold = await coldLatencies(url, coldKeys, rng);
    reporter.figure({
      ...base,
      case: 'cold_load',
      metric: 'cold_p99_ms',
      value: cold[Math.floor(cold.length * 0.99)],
      unit: 'ms',
      p50_ms: cold[Math.floor(cold.length / 2)],
      requests: cold.length,
    });
    reporter.figure({
      ...base,
      case: 'server',
      metric: 'rss_mb',
      value: procStatus(child.pid as number, 'VmRSS'),
      unit: 'MB',
      peak_mb: procStatus(child.pid as number, 'VmHWM'),
    });
  } finally {
    child.kill('SIGTERM');
  }
}
