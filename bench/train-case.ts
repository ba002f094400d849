// One case of `npm run bench -- train`, in its own process so its peak RSS is its own:
//   node --import tsx bench/train-case.ts import --csv FILE --dir DATA_DIR
//   node --import tsx bench/train-case.ts train --dir DATA_DIR --threads N
// Prints one JSON object on stdout (the parent reads it); progress goes to stderr.

import { parseArgs } from 'node:util';
import { readCsv } from '../src/data/csv/index.ts';
import { selectColumns } from '../src/data/frame.ts';
import { FALLBACK_KEY } from '../src/fleet/keys.ts';
import { importFrame } from '../src/ingest/import-frame.ts';
import { openLocalQueue } from '../src/queue/index.ts';
import { openStore, sqlitePathIn } from '../src/store/index.ts';
import { trainFleet } from '../src/train/run-fleet.ts';
import { FEATURES } from './lib/per-device.ts';
import { sqliteBytes } from './lib/sqlite-size.ts';

const FLEET = 'bench';

/** The fleet spec of the train benchmark: small fixed candidates so the run measures the engine. */
const TRAIN_SPEC = {
  name: FLEET,
  key: 'device_id',
  time: 'ts',
  target: 'target_reg',
  task: 'regression',
  features: FEATURES,
  preprocess: {
    steps: [
      { step: 'impute', params: { strategy: 'median' } },
      { step: 'outliers', params: { method: 'iqr', mode: 'clip' } },
      { step: 'standardize' },
    ],
  },
  candidates: [
    { algorithm: 'ridge' },
    { algorithm: 'decision-tree', params: { maxDepth: 6 } },
    { algorithm: 'hist-gradient-boosting', params: { maxIter: 30 } },
  ],
  // maxMillis far above a trial's cost: on a loaded box the default 200 ms would cut searches short
  // at random and the two thread counts would not do the same work.
  budget: { maxTrials: 4, maxMillis: 60_000 },
  shardSize: 250,
  fallback: { global: true },
};

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function importCase(csv: string, dataDir: string): Promise<Record<string, unknown>> {
  const readStarted = performance.now();
  const { frame } = await readCsv(csv, {
    schema: { ts: { type: 'time', unit: 'seconds' }, device_id: { type: 'category' } },
  });
  const readSeconds = (performance.now() - readStarted) / 1000;
  const store = await openStore({ dataDir });
  try {
    await store.createFleet(FLEET);
    await store.putSpec(FLEET, TRAIN_SPEC);
    const started = performance.now();
    // Only the fleet's columns: the engine fits on every column of the stored rows, whatever
    // spec.features says (see the report), so target_cls would leak in as a feature.
    const columns = selectColumns(frame, ['device_id', 'ts', ...FEATURES, 'target_reg']);
    const summary = await importFrame(store, FLEET, columns, 'device_id', { timeColumn: 'ts' });
    const importSeconds = (performance.now() - started) / 1000;
    return { readSeconds, importSeconds, ...summary };
  } finally {
    await store.close();
    // After close (WAL checkpointed): this is the size the training runs start from.
    process.stderr.write(
      `train: imported into ${dataDir} (${(sqliteBytes(sqlitePathIn(dataDir)) / 2 ** 20).toFixed(1)} MB)\n`,
    );
  }
}

/** Mean test RMSE of the entities' own champions (not the reserved fallback key, not fallback-served keys). */
async function championRmse(store: Awaited<ReturnType<typeof openStore>>) {
  let sum = 0;
  let count = 0;
  let champions = 0;
  const algorithms: Record<string, number> = {};
  let cursor: string | null | undefined;
  do {
    const page = await store.listModels(FLEET, { status: 'champion', limit: 1000, cursor });
    for (const model of page.items) {
      if (model.key === FALLBACK_KEY) continue;
      champions++;
      algorithms[model.algorithm] = (algorithms[model.algorithm] ?? 0) + 1;
      const rmse = model.metrics.rmse;
      if (model.fallbackReason === null && Number.isFinite(rmse)) {
        sum += rmse;
        count++;
      }
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { meanRmse: sum / count, rmseModels: count, champions, algorithms };
}

async function trainCase(dataDir: string, threads: number): Promise<Record<string, unknown>> {
  const path = sqlitePathIn(dataDir);
  const bytesBefore = sqliteBytes(path);
  const store = await openStore({ dataDir });
  const queue = await openLocalQueue({ path });
  try {
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    const summary = await trainFleet({ store, queue, fleet: FLEET, threads, resume: false });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const bytesAfter = sqliteBytes(path);
    const champions = await championRmse(store);
    return {
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      entities: summary.entitiesDone,
      total: summary.entitiesTotal,
      fallbacks: summary.fallbacks,
      failures: summary.failures,
      shardsFailed: summary.shardsFailed,
      status: summary.status,
      engineModelsPerSecond: summary.modelsPerSecond,
      bytesBefore,
      bytesAfter,
      ...champions,
    };
  } finally {
    await queue.close();
    await store.close();
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { csv: { type: 'string' }, dir: { type: 'string' }, threads: { type: 'string' } },
});
const command = positionals[0];
if (!values.dir || (command === 'import' && !values.csv) || (command !== 'import' && command !== 'train'))
  throw new Error('usage: train-case.ts import --csv FILE --dir DIR | train --dir DIR --threads N');
const result =
  command === 'import'
    ? await importCase(values.csv as string, values.dir)
    : await trainCase(values.dir, Number(values.threads ?? 1));
process.stdout.write(`${JSON.stringify({ ...result, peakRssMb: peakRssMb() })}\n`);
