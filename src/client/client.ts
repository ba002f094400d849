import { AimassError, type ErrorCode } from '../core/errors.ts';
import type {
  CancelRunResponse,
  ChampionChange,
  DataAppendResponse,
  ErrorBody,
  FleetDetail,
  FleetList,
  FleetSpecInput,
  ForecastResponse,
  HealthResponse,
  ModelDetail,
  ModelList,
  ModelListQuery,
  PageQuery,
  PredictManyRequest,
  PredictManyResponse,
  PredictRequest,
  PredictResponse,
  ReadyResponse,
  Row,
  RunDetail,
  RunList,
  ScoreResponse,
  StartRunRequest,
  StartRunResponse,
} from '../serve/api-types.ts';

export interface ClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Bearer token; omit when the server runs without auth. */
  readonly token?: string;
  /** Per-request timeout in ms. Default 30,000. */
  readonly timeoutMs?: number;
  /** A `fetch` implementation. Default: the global one. */
  readonly fetch?: typeof fetch;
}

export type DataFormat = 'json' | 'ndjson' | 'csv';

/** An error answer of the API: the server's stable `code` and `details`, plus the HTTP status. */
export class AimassApiError extends AimassError {
  readonly status: number;
  constructor(status: number, body: ErrorBody['error']) {
    super(body.code as ErrorCode, body.message, body.details, {
      retryable: status === 429 || status === 503,
    });
    this.name = 'AimassApiError';
    this.status = status;
  }
}

export interface AimassClient {
  predict(fleet: string, key: string, rows: Row[]): Promise<PredictResponse>;
  predictMany(fleet: string, items: PredictManyRequest['items']): Promise<PredictManyResponse>;
  forecast(fleet: string, key: string, horizon: number): Promise<ForecastResponse>;
  score(fleet: string, key: string, rows: Row[]): Promise<ScoreResponse>;
  createFleet(spec: FleetSpecInput): Promise<FleetDetail>;
  listFleets(): Promise<FleetList>;
  getFleet(fleet: string): Promise<FleetDetail>;
  deleteFleet(fleet: string): Promise<void>;
  /** Appends rows: objects (sent as a JSON array) or text in the given format. */
  /**
   * Appends rows. With `idempotencyKey`, a resent batch (after a timeout, say) is stored once and
   * answered with the first answer. `timeUnit` overrides the spec's for this batch.
   */
  appendData(
    fleet: string,
    data: Row[] | string | Uint8Array,
    format?: DataFormat,
    options?: { idempotencyKey?: string; timeUnit?: string },
  ): Promise<DataAppendResponse>;
  startRun(fleet: string, request?: StartRunRequest): Promise<StartRunResponse>;
  listRuns(fleet: string, page?: PageQuery): Promise<RunList>;
  getRun(runId: number): Promise<RunDetail>;
  cancelRun(runId: number): Promise<CancelRunResponse>;
  listModels(fleet: string, query?: ModelListQuery): Promise<ModelList>;
  getModel(fleet: string, key: string): Promise<ModelDetail>;
  promote(fleet: string, key: string, version: number, reason?: string): Promise<ChampionChange>;
  rollback(fleet: string, key: string, reason?: string): Promise<ChampionChange>;
  health(): Promise<HealthResponse>;
  ready(): Promise<ReadyResponse>;
  /** Prometheus text. */
  metrics(): Promise<string>;
  openapi(): Promise<Record<string, unknown>>;
}

const MEDIA: Record<DataFormat, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
};

export function createClient(options: ClientOptions): AimassClient {
  const base = options.url.replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const f = (fleet: string) => `/v1/fleets/${encodeURIComponent(fleet)}`;
  const m = (fleet: string, key: string) => `${f(fleet)}/models/${encodeURIComponent(key)}`;

  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    extraHeaders: Record<string, string> = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let payload: string | Uint8Array | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    }
    const response = await doFetch(`${base}${path}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      let parsed: ErrorBody | undefined;
      try {
        parsed = JSON.parse(text) as ErrorBody;
      } catch {
        parsed = undefined;
      }
      throw new AimassApiError(
        response.status,
        parsed?.error ?? {
          code: 'INTERNAL',
          message: `HTTP ${response.status}: ${text.slice(0, 200)}`,
          details: {},
        },
      );
    }
    if (response.status === 204 || text === '') return undefined as T;
    return (response.headers.get('content-type') ?? '').includes('json')
      ? (JSON.parse(text) as T)
      : (text as T);
  }

  function query(params: object | undefined): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params ?? {}))
      if (value !== undefined) search.set(name, String(value));
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  }

  return {
    predict: (fleet, key, rows) =>
      call('POST', `${f(fleet)}/predict`, { key, rows } satisfies PredictRequest),
    predictMany: (fleet, items) =>
      call('POST', `${f(fleet)}/predict`, { items } satisfies PredictManyRequest),
    forecast: (fleet, key, horizon) => call('POST', `${f(fleet)}/forecast`, { key, horizon }),
    score: (fleet, key, rows) => call('POST', `${f(fleet)}/score`, { key, rows }),
    createFleet: (spec) => call('POST', '/v1/fleets', spec),
    listFleets: () => call('GET', '/v1/fleets'),
    getFleet: (fleet) => call('GET', f(fleet)),
    deleteFleet: (fleet) => call('DELETE', f(fleet)),
    appendData: (fleet, data, format = Array.isArray(data) ? 'json' : 'ndjson', extra = {}) =>
      call(
        'POST',
        `${f(fleet)}/data${query({ timeUnit: extra.timeUnit })}`,
        data,
        MEDIA[format],
        extra.idempotencyKey === undefined ? {} : { 'idempotency-key': extra.idempotencyKey },
      ),
    startRun: (fleet, request = {}) => call('POST', `${f(fleet)}/runs`, request),
    listRuns: (fleet, page) => call('GET', `${f(fleet)}/runs${query(page)}`),
    getRun: (runId) => call('GET', `/v1/runs/${runId}`),
    cancelRun: (runId) => call('POST', `/v1/runs/${runId}/cancel`, {}),
    listModels: (fleet, q) => call('GET', `${f(fleet)}/models${query(q)}`),
    getModel: (fleet, key) => call('GET', m(fleet, key)),
    promote: (fleet, key, version, reason) => call('POST', `${m(fleet, key)}/promote`, { version, reason }),
    rollback: (fleet, key, reason) => call('POST', `${m(fleet, key)}/rollback`, { reason }),
    health: () => call('GET', '/healthz'),
    ready: () => call('GET', '/readyz'),
    metrics: () => call('GET', '/metrics'),
    openapi: () => call('GET', '/openapi.json'),
  };
}
