import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AimassClient } from '../../client/index.ts';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { type FleetSpec, type TimeUnitChoice, validateFleetSpec } from '../../fleet/spec.ts';
import { formatOfFile } from '../../ingest/batch-formats.ts';
import { splitBatchBytes } from '../../ingest/batch-parts.ts';
import type { FileImport, ImportResult } from '../../ingest/file-source.ts';
import type { IngestIssue } from '../../ingest/ingest-batch.ts';
import type { DataAppendResponse } from '../../serve/api-types.ts';
import type { CommandContext } from './command.ts';
import { remoteClient } from './remote.ts';

/** Bytes per upload: well under the server's data body limit (64 MiB). */
const PART_BYTES = 8 * 1024 * 1024;
/** Sends of one part before giving up (a resend is safe: the part's idempotency key dedupes it). */
const SEND_ATTEMPTS = 3;

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

/**
 * `aimass import --url`: each file is sent as it is, in parts cut at record boundaries (a CSV part
 * repeats the header), so the server reads, checks, stores and quarantines every row through the
 * same ingest path as a local import. Each part carries an idempotency key (the file's SHA-256 and
 * the part's index): a part resent after a lost answer is stored once.
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
  for (const file of options.files) {
    const fileStarted = performance.now();
    const format = formatOfFile(file);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new AimassError('FILE_INVALID', `${file}: cannot read: ${(error as Error).message}`, { file });
    }
    const digest = createHash('sha256').update(bytes).digest('hex');
    const totals = {
      rowsRead: 0,
      rowsAccepted: 0,
      rowsRejected: 0,
      keys: 0,
      quarantined: 0,
      quarantineDropped: 0,
    };
    const examples: IngestIssue[] = [];
    const warnings = new Set<string>();
    const parts = splitBatchBytes(bytes, format, PART_BYTES);
    for (const [index, part] of parts.entries()) {
      const answer = await sendPart(
        client,
        spec.name,
        part.bytes,
        format,
        `file:${digest}:${index}`,
        options.timeUnit,
      );
      for (const name of Object.keys(totals) as (keyof typeof totals)[]) totals[name] += answer[name];
      for (const issue of answer.examples)
        if (examples.length < 20)
          examples.push({
            ...issue,
            // Lines of the part, back to lines of the file.
            line: issue.line === null ? null : issue.line - part.headerLines - 1 + part.firstLine,
            message: `${file}: ${issue.message}`,
          });
    }
    const result: FileImport = {
      file,
      format: format,
      ...totals,
      examples,
      warnings: [...warnings],
      timeUnit: spec.time === null ? null : (options.timeUnit ?? spec.timeUnit),
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
    rowsStored: files.reduce((n, f) => n + f.rowsAccepted, 0),
    rowsRejected: files.reduce((n, f) => n + f.rowsRejected, 0),
    quarantined: files.reduce((n, f) => n + f.quarantined, 0),
    // The server answers per batch: keys over parts and files are summed (an upper bound).
    keys: files.reduce((n, f) => n + f.keys, 0),
    elapsedMs: performance.now() - started,
  };
}

/** One part, resent on a lost connection (its key makes that safe); an all-rejected part is a normal answer. */
async function sendPart(
  client: AimassClient,
  fleet: string,
  bytes: Uint8Array,
  format: 'csv' | 'ndjson' | 'json',
  idempotencyKey: string,
  timeUnit: TimeUnitChoice | undefined,
): Promise<DataAppendResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.appendData(fleet, bytes, format, { idempotencyKey, timeUnit });
    } catch (error) {
      if (isAimassError(error, 'ROW_INVALID') && typeof error.context.rowsRejected === 'number') {
        const rejected = error.context.rowsRejected;
        const examples = (error.context.examples as IngestIssue[] | undefined) ?? [];
        return {
          format,
          rowsRead: rejected,
          rowsAccepted: 0,
          rowsRejected: rejected,
          keys: 0,
          quarantined: rejected,
          quarantineDropped: 0,
          examples,
        };
      }
      const network = !isAimassError(error);
      if (!network || attempt >= SEND_ATTEMPTS) throw error;
    }
  }
}
