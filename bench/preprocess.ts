import { createRng } from '../src/core/rng.ts';
import { readCsv } from '../src/data/csv/index.ts';
import { entityFrame, frameBytes, groupByKey, sliceFrame } from '../src/data/index.ts';
import { fitPipeline, transformPipeline } from '../src/preprocess/index.ts';
import type { BenchArgs } from './lib/args.ts';
import { fleetCsv } from './lib/data.ts';
import type { Reporter } from './lib/report.ts';

const FEATURES = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
/** The per-device pipeline of BASELINE.md (median impute + scale) plus IQR clipping. */
const PIPELINE = {
  steps: [
    { step: 'impute', params: { strategy: 'median', columns: FEATURES } },
    { step: 'outliers', params: { method: 'iqr', mode: 'clip', columns: FEATURES } },
    { step: 'standardize', params: { columns: FEATURES } },
  ],
};

/**
 * read_fit_transform: read the fleet CSV, group by device, fit the pipeline on each device's first
 * 80% of rows (the training split) and transform all of its rows. One thread.
 */
export async function run(args: BenchArgs, reporter: Reporter): Promise<void> {
  const devices = args.devices ?? 2000;
  const rowsPerDevice = args.rows ?? 500;
  const path = fleetCsv(devices, rowsPerDevice);
  reporter.log(`preprocess: ${path}`);
  const base = { bench: 'preprocess', threads: 1, devices, rows_per_device: rowsPerDevice };

  const heapBefore = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  const { frame, report } = await readCsv(path, {
    schema: { ts: { type: 'time', unit: 'seconds' }, device_id: { type: 'category' } },
  });
  const readDone = performance.now();
  const grouped = groupByKey(frame, 'device_id');
  let transformedCells = 0;
  for (let i = 0; i < grouped.keys.length; i++) {
    const entity = entityFrame(grouped, i);
    const trainRows = Math.floor(entity.rowCount * 0.8);
    const state = fitPipeline(PIPELINE, sliceFrame(entity, 0, trainRows), {
      target: 'target_reg',
      key: 'device_id',
      time: 'ts',
      rng: createRng(i),
    });
    const out = transformPipeline(state, entity);
    transformedCells += out.rowCount;
  }
  const finished = performance.now();
  const rows = frame.rowCount;
  if (transformedCells !== rows || report.rowsRejected !== 0)
    reporter.log(`warning: transformed ${transformedCells} of ${rows} rows, ${report.rowsRejected} rejected`);
  const bytes = frameBytes(frame);
  const totalS = (finished - started) / 1000;
  reporter.figure({
    ...base,
    case: 'read_fit_transform',
    metric: 'rows_per_s',
    value: rows / totalS,
    unit: '1/s',
    seconds: totalS,
    rows,
  });
  reporter.figure({
    ...base,
    case: 'read_csv',
    metric: 'rows_per_s',
    value: rows / ((readDone - started) / 1000),
    unit: '1/s',
  });
  reporter.figure({
    ...base,
    case: 'fit_transform',
    metric: 'rows_per_s',
    value: rows / ((finished - readDone) / 1000),
    unit: '1/s',
  });
  reporter.figure({
    ...base,
    case: 'read_fit_transform',
    metric: 'bytes_per_row',
    value: bytes / rows,
    unit: 'B',
    array_buffers_delta_mb: (process.memoryUsage().arrayBuffers - heapBefore) / 2 ** 20,
  });
  reporter.figure({
    ...base,
    case: 'read_fit_transform',
    metric: 'rss_mb',
    value: process.memoryUsage().rss / 2 ** 20,
    unit: 'MB',
  });
}
