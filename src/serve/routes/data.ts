import type { FastifyInstance, FastifyReply } from 'fastify';
import { AimassError } from '../../core/errors.ts';
import { TIME_UNITS, type TimeUnitChoice, validateFleetSpec } from '../../fleet/spec.ts';
import { type BatchFormat, readBatchBytes } from '../../ingest/batch-formats.ts';
import { type BatchReport, ingestBatch } from '../../ingest/ingest-batch.ts';
import type { DataAppendResponse } from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import { dataAppendResponseSchema, errorSchema, fleetParams } from '../schemas.ts';
import { mustGetFleet } from './fleets.ts';

const MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'application/ndjson', 'text/csv'];
/** Dedupe namespace of HTTP batches. */
const HTTP_SOURCE = 'http';
/** How long an Idempotency-Key is remembered (a client retrying after a day is sending new data). */
const IDEMPOTENCY_KEEP_MS = 24 * 3600 * 1000;
/** Idempotency keys: 1-200 visible ASCII characters (a UUID, a file digest and part number, ...). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * `POST /v1/fleets/{fleet}/data`: a JSON array, NDJSON or CSV body (by Content-Type) through the
 * one ingest door (src/ingest): read with the fleet's schema, stored per entity without the key
 * column, rejected rows quarantined and reported with line/column/reason, all in one transaction.
 * `Idempotency-Key` makes a resent batch stored once and answered with the first answer (header
 * `idempotent-replayed: true`). `?timeUnit=` overrides the spec's time unit. Scope `ingest`.
 * Registered as its own plugin: it parses bodies as raw bytes, with the larger data body limit.
 */
export async function dataRoutes(app: FastifyInstance, ctx: ServeContext): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    MEDIA_TYPES,
    { parseAs: 'buffer', bodyLimit: ctx.limits.dataBodyLimitBytes },
    (_request, body, done) => done(null, body),
  );

  app.post<{ Params: { fleet: string }; Querystring: { timeUnit?: TimeUnitChoice }; Body: Buffer }>(
    '/v1/fleets/:fleet/data',
    {
      bodyLimit: ctx.limits.dataBodyLimitBytes,
      config: {
        scope: 'ingest',
        summary: 'Append rows (JSON array, NDJSON or CSV); rejected rows are quarantined',
      },
      schema: {
        params: fleetParams,
        querystring: {
          type: 'object',
          properties: { timeUnit: { type: 'string', enum: [...TIME_UNITS] } },
          additionalProperties: false,
        },
        response: { 200: dataAppendResponseSchema, '4xx': errorSchema },
      },
    },
    async (request, reply): Promise<DataAppendResponse> => {
      const fleet = (await mustGetFleet(ctx, request.params.fleet)).name;
      const stored = await ctx.store.getSpec(fleet);
      if (stored === undefined)
        throw new AimassError(
          'CONFLICT',
          `fleet "${fleet}" has no spec yet; create it with POST /v1/fleets`,
          { fleet },
        );
      const spec = validateFleetSpec(stored.spec);
      const idempotencyKey = idempotencyKeyOf(request.headers['idempotency-key']);
      if (idempotencyKey !== undefined) {
        const seen = await ctx.store.ingestReceipts(fleet, HTTP_SOURCE, [idempotencyKey]);
        if (seen.has(idempotencyKey)) return replay(reply, fleet, seen.get(idempotencyKey));
      }
      const format = formatOf(request.headers['content-type']);
      const outcome = await ingestBatch(
        ctx.store,
        fleet,
        spec,
        (schema) => readBatchBytes(request.body, format, 'body', schema),
        {
          source: HTTP_SOURCE,
          timeUnit: request.query.timeUnit,
          dedupe:
            idempotencyKey === undefined
              ? undefined
              : {
                  source: HTTP_SOURCE,
                  ids: [idempotencyKey],
                  keepReceipt: true,
                  keepMs: IDEMPOTENCY_KEEP_MS,
                },
        },
      );
      // Another request with the same key committed first: answer as it was answered.
      if (!outcome.stored) return replay(reply, fleet, outcome.duplicates[0]?.receipt);
      return answer(fleet, outcome.report);
    },
  );
}

function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (!IDEMPOTENCY_KEY.test(value))
    throw new AimassError('PARAM_INVALID', 'header Idempotency-Key must be 1-200 visible ASCII characters', {
      field: 'Idempotency-Key',
    });
  return value;
}

function formatOf(contentType: string | undefined): BatchFormat {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'text/csv') return 'csv';
  if (mediaType === 'application/json') return 'json';
  return 'ndjson';
}

function replay(reply: FastifyReply, fleet: string, receipt: unknown): DataAppendResponse {
  reply.header('idempotent-replayed', 'true');
  if (receipt === null || typeof receipt !== 'object')
    throw new AimassError('CONFLICT', 'this Idempotency-Key was used by a batch whose answer was not kept', {
      fleet,
    });
  return answer(fleet, receipt as BatchReport);
}

/** The report as the API's answer; a batch that stored nothing but rejected rows is a 4xx (its rows are quarantined). */
function answer(fleet: string, report: BatchReport): DataAppendResponse {
  if (report.rowsAccepted === 0 && report.rowsRejected > 0)
    throw new AimassError(
      'ROW_INVALID',
      `every row was rejected (${report.rowsRejected}); first: ${report.examples[0]?.message ?? '?'}`,
      { fleet, rowsRejected: report.rowsRejected, examples: report.examples },
    );
  return {
    format: report.format,
    rowsRead: report.rowsRead,
    rowsAccepted: report.rowsAccepted,
    rowsRejected: report.rowsRejected,
    keys: report.keys,
    quarantined: report.quarantined,
    quarantineDropped: report.quarantineDropped,
    examples: report.examples,
  };
}
