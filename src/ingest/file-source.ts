import { AimassError, isAimassError } from '../core/errors.ts';
import { frameColumns, planFleet } from '../fleet/plan.ts';
import type { FleetSpec, TimeUnitChoice } from '../fleet/spec.ts';
import type { Store } from '../store/store.ts';
import { readBatchFile } from './batch-formats.ts';
import { ensureFleet } from './ensure-fleet.ts';
import { type BatchReport, ingestBatch } from './ingest-batch.ts';

export interface FileImport extends BatchReport {
  readonly file: string;
  readonly timeUnit: TimeUnitChoice | null;
  readonly elapsedMs: number;
}

export interface ImportResult {
  readonly fleet: string;
  readonly createdFleet: boolean;
  readonly specVersion: number;
  readonly specChanged: boolean;
  readonly files: FileImport[];
  readonly rowsRead: number;
  readonly rowsStored: number;
  readonly rowsRejected: number;
  readonly quarantined: number;
  /** Distinct keys over the files of this import. */
  readonly keys: number;
  readonly elapsedMs: number;
}

/**
 * Imports files into a fleet through the one ingest door (ingestBatch): each file is read with
 * the fleet's schema, checked against the spec (key, time, target and feature columns present),
 * stored per entity with its rejected rows quarantined, in one commit per file. A file that cannot
 * be read stops the import; files before it stay imported.
 */
export async function importFiles(
  store: Store,
  spec: FleetSpec,
  files: readonly string[],
  options: { timeUnit?: TimeUnitChoice; onFile?: (result: FileImport) => void } = {},
): Promise<ImportResult> {
  const started = performance.now();
  const fleet = await ensureFleet(store, spec);
  const timeUnit = options.timeUnit ?? spec.timeUnit;
  const results: FileImport[] = [];
  const keys = new Set<string>();
  for (const file of files) {
    const fileStarted = performance.now();
    const outcome = await ingestBatch(
      store,
      spec.name,
      spec,
      async (schema) => {
        const result = await readBatchFile(file, schema);
        checkColumns(spec, fleet.version, result.frame, file);
        return result;
      },
      { source: file, timeUnit, collectKeys: true },
    );
    if (!outcome.stored) throw new Error('file imports carry no dedupe ids'); // unreachable
    for (const key of outcome.report.keyList ?? []) keys.add(key);
    const { keyList: _keys, ...report } = outcome.report;
    const result: FileImport = {
      ...report,
      file,
      timeUnit: spec.time === null ? null : timeUnit,
      elapsedMs: performance.now() - fileStarted,
    };
    results.push(result);
    options.onFile?.(result);
  }
  return {
    fleet: spec.name,
    createdFleet: fleet.created,
    specVersion: fleet.version,
    specChanged: fleet.changed,
    files: results,
    rowsRead: sum(results, (r) => r.rowsRead),
    rowsStored: sum(results, (r) => r.rowsAccepted),
    rowsRejected: sum(results, (r) => r.rowsRejected),
    quarantined: sum(results, (r) => r.quarantined),
    keys: keys.size,
    elapsedMs: performance.now() - started,
  };
}

function sum<T>(items: readonly T[], get: (item: T) => number): number {
  return items.reduce((total, item) => total + get(item), 0);
}

/** The spec must find its columns in the file before anything is stored. */
function checkColumns(
  spec: FleetSpec,
  specVersion: number,
  frame: Parameters<typeof frameColumns>[0],
  file: string,
): void {
  try {
    planFleet(spec, specVersion, frameColumns(frame));
  } catch (error) {
    // Only a column the file lacks is the file's fault; other spec errors stand as they are.
    if (!isAimassError(error) || !/^(key|time|target|features)/.test(String(error.context.field)))
      throw error;
    throw new AimassError(
      error.code,
      `${file}: ${error.message}`,
      { ...error.context, file },
      { cause: error },
    );
  }
}
