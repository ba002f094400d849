/**
 * Typed errors with a stable `code`. Code branches on `code`, never on the message; one mapper
 * (in serve/) turns codes into HTTP statuses.
 */
export type ErrorCode =
  | 'PARAM_INVALID'
  | 'SPEC_INVALID'
  | 'ROW_INVALID'
  | 'FILE_INVALID'
  | 'SCHEMA_INVALID'
  | 'COLUMN_NOT_FOUND'
  | 'DATA_INVALID'
  | 'NOT_FITTED'
  | 'FIT_FAILED'
  | 'CODEC_CORRUPT'
  | 'CODEC_UNSUPPORTED'
  | 'MODEL_NOT_FOUND'
  | 'FLEET_NOT_FOUND'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORE_ERROR'
  | 'QUEUE_ERROR'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'LIMIT_EXCEEDED'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'CANCELLED'
  | 'INTERNAL';

/** Where an error happened: any subset of these, so messages and API details can name them. */
export interface ErrorContext {
  file?: string;
  line?: number;
  row?: number;
  column?: string;
  field?: string;
  key?: string;
  fleet?: string;
  value?: unknown;
  expected?: string;
  [extra: string]: unknown;
}

export class AimassError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    context: ErrorContext = {},
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AimassError';
    this.code = code;
    this.context = context;
    this.retryable = options.retryable ?? false;
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorContext } {
    return { code: this.code, message: this.message, details: this.context };
  }
}

export function isAimassError(error: unknown, code?: ErrorCode): error is AimassError {
  return error instanceof AimassError && (code === undefined || error.code === code);
}

/** A bad parameter or spec field: names the field, the value and what is allowed. */
export function paramError(owner: string, field: string, value: unknown, expected: string): AimassError {
  return new AimassError(
    'PARAM_INVALID',
    `${owner}: invalid value ${formatValue(value)} for "${field}"; expected ${expected}`,
    { field, value, expected },
  );
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
