import type { AimassClient } from '../../client/index.ts';
import { AimassError, isAimassError } from '../../core/errors.ts';
import type { Column, Frame } from '../../data/frame.ts';
import { type FleetSpec, validateFleetSpec } from '../../fleet/spec.ts';
import type { CommandContext } from './command.ts';
import type { FileImport, ImportResult } from './import-files.ts';
import { readTable, type TimeUnitChoice } from './read-table.ts';
import { remoteClient } from './remote.ts';

/** Rows per upload: a few MB of NDJSON, well under the server's data body limit (64 MiB). */
const ROWS_PER_REQUEST = 20_000;

/**
 * The fleet's spec on the server: created from `spec` when the fleet is missing. A different
 * spec on the server is refused (the API cannot put a new spec version yet).
 */
export async function remoteSpec(
  client: AimassClient,
  fleet: string | undefined,
  spec: FleetSpec | undefined,
): Promise<{ spec: FleetSpec; created: boolean; version: number }> {
  const name = spec?.name ?? fleet;
  if (name === undefined)
    throw new AimassError('PARAM_INVALID', '--spec or --fleet is required', { field: 'fleet' });
  let detail: Awaited<ReturnType<AimassClient['getFleet']>> | undefined;
  try {
    detail = await client.getFleet(name);
  } catch (error) {
    if (!isAimassError(error, 'FLEET_NOT_FOUND') && !isAimassError(error, 'NOT_FOUND')) throw error;
  }
  if (!detail) {
    if (!spec)
      throw new AimassError('FLEET_NOT_FOUND', `fleet "${name}" does not exist on the server: pass --spec`, {
        fleet: name,
      });
    const created = await client.createFleet(spec as unknown as Record<string, unknown>);
    return { spec, created: true, version: created.specVersion ?? 1 };
  }
  if (detail.spec === null)
    throw new AimassError('SPEC_INVALID', `fleet "${name}" has no spec on the server`, { fleet: name });
  const current = validateFleetSpec(detail.spec);
  if (spec && JSON.stringify(current) !== JSON.stringify(spec))
    throw new AimassError(
      'CONFLICT',
      `the server's spec of fleet "${name}" differs from the given one; changing a spec through the API is not supported yet (import locally, or keep the server's spec)`,
      { fleet: name, field: 'spec' },
    );
  return { spec: current, created: false, version: detail.specVersion ?? 1 };
}

/** One cell as a JSON value; times as ISO text, which the server's reader types as time. */
function cell(column: Column, row: number): string | number | boolean | null {
  if (column.type === 'category') {
    const code = column.codes[row];
    return code < 0 ? null : column.dictionary[code];
  }
  if (column.type === 'boolean') {
    const v = column.values[row];
    return v < 0 ? null : v === 1;
  }
  const v = column.values[row];
  if (Number.isNaN(v)) return null;
  return column.type === 'time' ? new Date(v).toISOString() : v;
}

function ndjsonRows(frame: Frame, start: number, end: number): string {
  const lines: string[] = [];
  for (let i = start; i < end; i++) {
    const row: Record<string, unknown> = {};
    for (const column of frame.columns) row[column.name] = cell(column, i);
    lines.push(JSON.stringify(row));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `aimass import --url`: each file is read and checked here (the same time-unit detection as a
 * local import; rows this side rejects are reported, not sent), then uploaded as NDJSON in
 * batches; the server validates, stores and quarantines.
 */
export async function importRemote(
  ctx: CommandContext,
  url: string,
  options: {
    fleet?: string;
    spec?: FleetSpec;
    files: readonly string[];
    timeUnit?: TimeUnitChoice;
    onFile?: (file: FileImport) => void;
  },
): Promise<ImportResult> {
  const started = performance.now();
  const client = remoteClient(ctx, url);
  const { spec, created, version } = await remoteSpec(client, options.fleet, options.spec);
  const files: FileImport[] = [];
  const keys = new Set<string>();
  let quarantined = 0;
  for (const file of options.files) {
    const fileStarted = performance.now();
    const { frame, report, timeUnit } = await readTable(file, {
      keyColumn: spec.key,
      timeColumn: spec.time,
      timeUnit: options.timeUnit,
    });
    const sent = frame;
    let accepted = 0;
    let rejected = 0;
    const examples = [...report.examples];
    for (let start = 0; start < sent.rowCount; start += ROWS_PER_REQUEST) {
      const end = Math.min(sent.rowCount, start + ROWS_PER_REQUEST);
      const answer = await client.appendData(spec.name, ndjsonRows(sent, start, end), 'ndjson');
      accepted += answer.rowsAccepted;
      rejected += answer.rowsRejected;
      quarantined += answer.quarantined;
      for (const issue of answer.examples)
        examples.push({
          row: start + issue.row,
          reason: 'bad-value',
          rowRejected: true,
          message: `server: row ${start + issue.row} of the upload: ${issue.message}`,
          ...(issue.column === null ? {} : { column: issue.column }),
        });
    }
    const keyColumn = sent.columns.find((c) => c.name === spec.key);
    if (keyColumn?.type === 'category') for (const key of keyColumn.dictionary) keys.add(key);
    const result: FileImport = {
      file,
      format: report.format,
      rowsRead: report.rowsRead,
      rowsAccepted: report.rowsAccepted,
      rowsRejected: report.rowsRejected + rejected,
      missingKeyRows: 0,
      rowsStored: accepted,
      keys: keyColumn?.type === 'category' ? keyColumn.dictionary.length : 0,
      timeUnit,
      examples: examples.slice(0, 20),
      warnings: report.warnings,
      elapsedMs: performance.now() - fileStarted,
    };
    files.push(result);
    options.onFile?.(result);
  }
  return {
    fleet: spec.name,
    createdFleet: created,
    specVersion: version,
    specChanged: created,
    files,
    rowsRead: files.reduce((n, f) => n + f.rowsRead, 0),
    rowsStored: files.reduce((n, f) => n + f.rowsStored, 0),
    rowsRejected: files.reduce((n, f) => n + f.rowsRejected, 0),
    quarantined,
    keys: keys.size,
    elapsedMs: performance.now() - started,
  };
}
