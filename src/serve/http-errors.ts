import { AimassError, type ErrorCode, type ErrorContext, isAimassError } from '../core/errors.ts';
import type { ErrorBody } from './api-types.ts';

/** The one mapping from error codes to HTTP statuses. */
const STATUS_BY_CODE: Record<ErrorCode, number> = {
  PARAM_INVALID: 400,
  SPEC_INVALID: 400,
  SCHEMA_INVALID: 400,
  FILE_INVALID: 400,
  ROW_INVALID: 422,
  COLUMN_NOT_FOUND: 422,
  DATA_INVALID: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  MODEL_NOT_FOUND: 404,
  FLEET_NOT_FOUND: 404,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LIMIT_EXCEEDED: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  CANCELLED: 409,
  NOT_FITTED: 500,
  FIT_FAILED: 500,
  CODEC_CORRUPT: 500,
  CODEC_UNSUPPORTED: 500,
  STORE_ERROR: 503,
  QUEUE_ERROR: 503,
  INTERNAL: 500,
};

/** 5xx codes whose messages are written for operators (no internals): sent as they are. */
const PUBLIC_SERVER_CODES: ReadonlySet<ErrorCode> = new Set([
  'UNAVAILABLE',
  'STORE_ERROR',
  'QUEUE_ERROR',
  'CODEC_CORRUPT',
  'CODEC_UNSUPPORTED',
]);

export function statusForCode(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? 500;
}

/** A fastify-native error (bad JSON, body too large, schema validation, ...). */
interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[];
  validationContext?: string;
}

/**
 * Turns any thrown value into a status and the API's one error shape. Unknown errors become
 * 500 INTERNAL with a generic message: stacks and internal messages never reach the client.
 */
export function toHttpError(error: unknown): { status: number; body: ErrorBody; internal: boolean } {
  if (isAimassError(error)) {
    const status = statusForCode(error.code);
    if (status >= 500 && !PUBLIC_SERVER_CODES.has(error.code)) return internalError();
    return {
      status,
      body: { error: { code: error.code, message: error.message, details: safeDetails(error.context) } },
      internal: false,
    };
  }
  const fastifyError = error as FastifyLikeError;
  if (fastifyError && Array.isArray(fastifyError.validation)) {
    const first = fastifyError.validation[0];
    const field = jsonPointerToField(
      fastifyError.validationContext ?? 'body',
      first?.instancePath ?? '',
      first?.params,
    );
    const message = `${field}: ${first?.message ?? 'is invalid'}`;
    return {
      status: 400,
      body: { error: { code: 'PARAM_INVALID', message, details: { field } } },
      internal: false,
    };
  }
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 413
        ? 'LIMIT_EXCEEDED'
        : status === 404
          ? 'NOT_FOUND'
          : status === 429
            ? 'RATE_LIMITED'
            : 'PARAM_INVALID';
    return { status, body: { error: { code, message: fastifyError.message, details: {} } }, internal: false };
  }
  return internalError();
}

function internalError(): { status: number; body: ErrorBody; internal: boolean } {
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error', details: {} } },
    internal: true,
  };
}

/** `/items/3/row` in context `body` → `body.items[3].row` (plus a missing property's name). */
export function jsonPointerToField(
  context: string,
  pointer: string,
  params?: Record<string, unknown>,
): string {
  let field = context;
  for (const part of pointer.split('/').slice(1)) {
    const name = part.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(name) ? `[${name}]` : `.${name}`;
  }
  const missing = params?.missingProperty ?? params?.additionalProperty;
  if (typeof missing === 'string') field += `.${missing}`;
  return field;
}

/** Details are JSON-safe: non-finite numbers and non-plain values are rendered as text. */
function safeDetails(context: ErrorContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(context)) {
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) out[name] = String(value);
    else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[name] = value;
    else {
      try {
        out[name] = JSON.parse(JSON.stringify(value));
      } catch {
        out[name] = String(value);
      }
    }
  }
  return out;
}

export function notFound(what: string, context: ErrorContext = {}): AimassError {
  return new AimassError('NOT_FOUND', what, context);
}

/** For routes whose body is optional: no body validates as `{}`. */
export async function emptyBodyAsObject(request: { body: unknown }): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}
