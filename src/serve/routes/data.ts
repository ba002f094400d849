import type { FastifyInstance } from 'fastify';
import { AimassError, isAimassError } from '../../core/errors.ts';
import { readCsvSync } from '../../data/csv/index.ts';
import { type Frame, findColumn, withoutColumns } from '../../data/frame.ts';
import { entityFrame, groupByKey } from '../../data/group.ts';
import { readJsonArraySync, readNdjsonSync } from '../../data/json/index.ts';
import type { ReadResult } from '../../data/read-source.ts';
import { CLUSTER_KEY_PREFIX, FALLBACK_KEY } from '../../fleet/keys.ts';
import { type FleetSpec, validateFleetSpec } from '../../fleet/spec.ts';
import { encodeChunk } from '../../store/chunk-codec.ts';
import type { KeyChunk, NewQuarantineRow } from '../../store/types.ts';
import type { DataAppendResponse, DataIssue } from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import { dataAppendResponseSchema, errorSchema, fleetParams, KEY_MAX_LENGTH } from '../schemas.ts';
import { mustGetFleet } from './fleets.ts';

const MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson', 'text/csv'];
/** Quarantined raw rows are cut to this many characters. */
const MAX_RAW_CHARS = 4096;
/** Rejected-row examples in the response. */
const MAX_EXAMPLES = 20;

/**
 * `POST /v1/fleets/{fleet}/data`: a JSON array, NDJSON or CSV body (by Content-Type), read with
 * the data/ readers, grouped by the spec's key column and appended (one chunk per key, one
 * transaction). Rejected rows are quarantined and reported with line/column/reason. The key
 * column is not stored in the chunks (the key is the chunk's address). Scope `ingest`.
 * Registered as its own plugin: it parses bodies as raw bytes, with the larger data body limit.
 */
export async function dataRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    MEDIA_TYPES,
    { parseAs: 'buffer', bodyLimit: ctx.limits.dataBodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  app.post<{ Params: { fleet: string }; Body: Buffer }>(
    '/v1/fleets/:fleet/data',
    {
      bodyLimit: ctx.limits.dataBodyLimitBytes,
      config: {
        scope: 'ingest',
        summary: 'Append rows (JSON array, NDJSON or CSV); rejected rows are quarantined',
      },
      schema: { params: fleetParams, response: { 200: dataAppendResponseSchema, '4xx': errorSchema } },
    },
    async (request): Promise<DataAppendResponse> => {
      const fleet = (await mustGetFleet(ctx, request.params.fleet)).name;
      const stored = await ctx.store.getSpec(fleet);
      if (stored === undefined)
        throw new AimassError(
          'CONFLICT',
          `fleet "${fleet}" has no spec yet; create it with POST /v1/fleets`,
          { fleet },
        );
      const spec = validateFleetSpec(stored.spec);
      const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const { frame, report } = readBody(request.body, mediaType, spec);
      const issues: DataIssue[] = report.examples.slice(0, MAX_EXAMPLES).map((e) => ({
        line: e.line ?? null,
        row: e.row,
        column: e.column ?? null,
        reason: e.reason,
        message: e.message,
      }));
      let rowsRejected = report.rowsRejected;
      const quarantine: NewQuarantineRow[] = report.quarantine.map((q) => ({
        source: 'http',
        line: q.line ?? null,
        column: null,
        key: null,
        reason: q.message,
        raw: q.raw.length > MAX_RAW_CHARS ? q.raw.slice(0, MAX_RAW_CHARS) : q.raw,
      }));

      const { chunks, rejected } =
        frame.rowCount === 0 ? { chunks: [], rejected: [] } : toChunks(frame, spec);
      for (const r of rejected) {
        rowsRejected += r.rows;
        if (issues.length < MAX_EXAMPLES)
          issues.push({ line: null, row: 0, column: spec.key, reason: r.reason, message: r.message });
        quarantine.push({
          source: 'http',
          line: null,
          column: spec.key,
          key: null,
          reason: r.message,
          raw: null,
        });
      }
      const rowsAccepted = report.rowsAccepted - (rowsRejected - report.rowsRejected);
      if (quarantine.length > 0) await ctx.store.addQuarantine(fleet, quarantine);
      if (chunks.length > 0) await ctx.store.appendMany(fleet, chunks);
      if (rowsAccepted === 0 && rowsRejected > 0)
        throw new AimassError(
          'ROW_INVALID',
          `every row was rejected (${rowsRejected}); first: ${issues[0]?.message ?? '?'}`,
          {
            fleet,
            rowsRejected,
            examples: issues,
          },
        );
      return {
        format: report.format,
        rowsRead: report.rowsRead,
        rowsAccepted,
        rowsRejected,
        keys: chunks.length,
        quarantined: quarantine.length,
        quarantineDropped: report.quarantineDropped,
        examples: issues,
      };
    },
  );
}

function readBody(body: Buffer, mediaType: string, spec: FleetSpec): ReadResult {
  // The key is always a category; a regression/forecast target always a number (so one bad
  // value rejects its row instead of turning the whole column into text). Other columns are inferred.
  const schema: Record<string, { type: 'category' | 'number' }> = { [spec.key]: { type: 'category' } };
  if (spec.target !== null && (spec.task === 'regression' || spec.task === 'forecast'))
    schema[spec.target] = { type: 'number' };
  const options = {
    fileName: 'body',
    schema,
    onBadValue: 'reject-row' as const,
    maxRejectedExamples: MAX_EXAMPLES,
  };
  try {
    if (mediaType === 'text/csv') return readCsvSync(body, options);
    if (mediaType === 'application/json') return readJsonArraySync(body, options);
    return readNdjsonSync(body, options);
  } catch (error) {
    const column = isAimassError(error, 'SCHEMA_INVALID') ? error.context.column : undefined;
    if (column !== undefined && column in schema) {
      const role = column === spec.key ? 'key' : 'target';
      throw new AimassError(
        'COLUMN_NOT_FOUND',
        `the data has no ${role} column "${column}" (fleet spec "${role}")`,
        {
          column,
        },
      );
    }
    throw error;
  }
}

/** Keys under which the engine stores fallback models: never entity data. */
function isReservedKey(key: string): boolean {
  return key === FALLBACK_KEY || key.startsWith(CLUSTER_KEY_PREFIX);
}

interface RejectedGroup {
  rows: number;
  reason: string;
  message: string;
}

/** One chunk per key (without the key column); rows with a missing or invalid key are rejected. */
function toChunks(frame: Frame, spec: FleetSpec): { chunks: KeyChunk[]; rejected: RejectedGroup[] } {
  const time = spec.time === null ? undefined : findColumn(frame, spec.time);
  if (time !== undefined && time.type !== 'time' && time.type !== 'number')
    throw new AimassError(
      'DATA_INVALID',
      `time column "${time.name}" holds ${time.type} values; send ISO-8601 text or epoch milliseconds`,
      { column: time.name, expected: 'ISO-8601 or epoch ms' },
    );
  const timeColumn = time?.name;
  const grouped = groupByKey(frame, spec.key, { timeColumn });
  const rejected: RejectedGroup[] = [];
  if (grouped.missingKeyRows > 0)
    rejected.push({
      rows: grouped.missingKeyRows,
      reason: 'missing-key',
      message: `${grouped.missingKeyRows} row(s) have no value in key column "${spec.key}"`,
    });
  const chunks: KeyChunk[] = [];
  for (let i = 0; i < grouped.keys.length; i++) {
    const key = grouped.keys[i];
    const rows = grouped.offsets[i + 1] - grouped.offsets[i];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: keys must not contain control characters
    if (key.length > KEY_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(key) || isReservedKey(key)) {
      rejected.push({
        rows,
        reason: 'bad-key',
        message: `key ${JSON.stringify(key.slice(0, 60))}: keys are 1-${KEY_MAX_LENGTH} characters without control characters, and not reserved ("${FALLBACK_KEY}", "${CLUSTER_KEY_PREFIX}…")`,
      });
      continue;
    }
    chunks.push({
      key,
      chunk: encodeChunk(withoutColumns(entityFrame(grouped, i), [spec.key]), { timeColumn }),
    });
  }
  return { chunks, rejected };
}
