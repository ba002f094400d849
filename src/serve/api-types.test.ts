import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import type * as Api from './api-types.ts';
import * as S from './schemas.ts';

/**
 * The route schemas and the TypeScript types of api-types.ts must describe the same fields.
 * Each type gets a FULL example (`Full<T>` makes every optional field required, and object
 * literals reject fields the type lacks), then:
 * - request schemas must accept it (they forbid unknown fields, so no type field is missing),
 * - response schemas must serialize it unchanged (fast-json-stringify drops unknown fields),
 * - every property the schema names must be present in the example (no schema-only field).
 */
type Full<T> = T extends (infer U)[] ? Full<U>[] : T extends object ? { [K in keyof T]-?: Full<T[K]> } : T;

const ref: Full<Api.ModelRef> = { key: 'd1', version: 3, algorithm: 'ridge', fallback: 'too_few_rows' };
const summary: Full<Api.ModelSummary> = {
  fleet: 'plant',
  key: 'd1',
  version: 2,
  status: 'champion',
  algorithm: 'ridge',
  params: { alpha: 1 },
  metrics: { rmse: 0.5, r2: null },
  trainStart: 1,
  trainEnd: 2,
  rowCount: 10,
  dataHash: 'abc',
  specVersion: 1,
  fallbackReason: null,
  runId: 4,
  shard: 0,
  bundleBytes: 100,
  createdAt: 5,
  promotedAt: 6,
};
const runInfo: Full<Api.RunInfo> = {
  id: 1,
  fleet: 'plant',
  specVersion: 1,
  status: 'running',
  keyCount: 3,
  shardCount: 1,
  createdAt: 1,
  finishedAt: null,
};

const requests: [string, S.JsonSchema, unknown][] = [
  [
    'PredictRequest',
    S.predictRequestSchema,
    { key: 'd1', rows: [{ x: 1 }] } satisfies Full<Api.PredictRequest>,
  ],
  [
    'PredictManyRequest',
    S.predictManyRequestSchema,
    { items: [{ key: 'd1', row: { x: 1 } }] } satisfies Full<Api.PredictManyRequest>,
  ],
  [
    'PredictRequest (union body)',
    S.predictBodySchema,
    { key: 'd1', rows: [{ x: 1 }] } satisfies Full<Api.PredictRequest>,
  ],
  [
    'PredictManyRequest (union body)',
    S.predictBodySchema,
    { items: [{ key: 'd1', row: {} }] } satisfies Full<Api.PredictManyRequest>,
  ],
  ['ForecastRequest', S.forecastRequestSchema, { key: 'd1', horizon: 3 } satisfies Full<Api.ForecastRequest>],
  ['ScoreRequest', S.scoreRequestSchema, { key: 'd1', rows: [{ x: 1 }] } satisfies Full<Api.ScoreRequest>],
  [
    'StartRunRequest',
    S.startRunRequestSchema,
    { keys: ['a'], reason: 'r' } satisfies Full<Api.StartRunRequest>,
  ],
  ['PromoteRequest', S.promoteRequestSchema, { version: 2, reason: 'r' } satisfies Full<Api.PromoteRequest>],
  ['RollbackRequest', S.rollbackRequestSchema, { reason: 'r' } satisfies Full<Api.RollbackRequest>],
];

const queries: [string, S.JsonSchema, Record<string, string | number | boolean>][] = [
  ['PageQuery', S.pageQuery, { limit: 5, cursor: 'c' } satisfies Full<Api.PageQuery>],
  [
    'ModelListQuery',
    S.modelListQuerySchema,
    {
      status: 'archived',
      algorithm: 'ridge',
      fallback: true,
      key: 'd1',
      metric: 'rmse<1',
      limit: 10,
      cursor: 'c',
    } satisfies Full<Api.ModelListQuery>,
  ],
];

const responses: [string, S.JsonSchema, unknown][] = [
  [
    'PredictResponse',
    S.predictResponseSchema,
    {
      key: 'd1',
      model: ref,
      predictions: [1, null],
      labels: ['a', null],
      probabilities: [[0.5, null]],
      classes: ['a', 2],
    } satisfies Full<Api.PredictResponse>,
  ],
  [
    'PredictManyResponse',
    S.predictManyResponseSchema,
    {
      items: [
        { key: 'd1', model: ref, prediction: null, label: 1, probabilities: [1, 0], classes: [1, 'b'] },
      ],
    } satisfies Full<Api.PredictManyResponse>,
  ],
  [
    'ForecastResponse',
    S.forecastResponseSchema,
    {
      key: 'd1',
      model: ref,
      forecast: [1, null],
      intervals: [{ level: 0.8, lower: [0, null], upper: [2, null] }],
    } satisfies Full<Api.ForecastResponse>,
  ],
  [
    'ScoreResponse',
    S.scoreResponseSchema,
    { key: 'd1', model: ref, scores: [0.1], flags: [0] } satisfies Full<Api.ScoreResponse>,
  ],
  [
    'FleetDetail',
    S.fleetDetailSchema,
    { name: 'plant', specVersion: 1, createdAt: 2, spec: { key: 'device' } } satisfies Full<Api.FleetDetail>,
  ],
  [
    'FleetList',
    S.fleetListSchema,
    { items: [{ name: 'plant', specVersion: null, createdAt: 2 }] } satisfies Full<Api.FleetList>,
  ],
  [
    'DataAppendResponse',
    S.dataAppendResponseSchema,
    {
      format: 'csv',
      rowsRead: 3,
      rowsAccepted: 2,
      rowsRejected: 1,
      keys: 1,
      quarantined: 1,
      quarantineDropped: 0,
      examples: [{ line: 3, row: 2, column: 'x', reason: 'bad-value', message: 'm' }],
    } satisfies Full<Api.DataAppendResponse>,
  ],
  ['StartRunResponse', S.startRunResponseSchema, { runId: 1 } satisfies Full<Api.StartRunResponse>],
  ['RunList', S.runListSchema, { items: [runInfo], nextCursor: 'n' } satisfies Full<Api.RunList>],
  [
    'RunDetail',
    S.runDetailSchema,
    {
      run: runInfo,
      progress: {
        runId: 1,
        status: 'done',
        keysTotal: 3,
        keysDone: 3,
        shardsTotal: 1,
        shardsDone: 1,
        shardsRunning: 0,
        shardsFailed: 0,
        modelsWritten: 3,
        keyFailures: 0,
        elapsedMs: 10,
        modelsPerSecond: 300,
      },
    } satisfies Full<Api.RunDetail>,
  ],
  [
    'CancelRunResponse',
    S.cancelRunResponseSchema,
    { runId: 1, status: 'cancelled' } satisfies Full<Api.CancelRunResponse>,
  ],
  ['ModelList', S.modelListSchema, { items: [summary], nextCursor: null } satisfies Full<Api.ModelList>],
  [
    'ModelDetail',
    S.modelDetailSchema,
    { key: 'd1', champion: summary, history: [summary] } satisfies Full<Api.ModelDetail>,
  ],
  [
    'ModelDetail (no champion)',
    S.modelDetailSchema,
    { key: 'd1', champion: null, history: [] } satisfies Full<Api.ModelDetail>,
  ],
  ['ChampionChange', S.championChangeSchema, { key: 'd1', champion: 2 } satisfies Full<Api.ChampionChange>],
  ['HealthResponse', S.healthSchema, { status: 'ok' } satisfies Full<Api.HealthResponse>],
  ['ReadyResponse', S.readySchema, { status: 'ready' } satisfies Full<Api.ReadyResponse>],
  [
    'ErrorBody',
    S.errorSchema,
    {
      error: { code: 'ROW_INVALID', message: 'm', details: { field: 'rows[0].x' } },
    } satisfies Full<Api.ErrorBody>,
  ],
];

/** Property paths a schema names (array items as `[]`; free-form objects stop the walk). */
function schemaPaths(schema: S.JsonSchema, prefix = ''): string[] {
  const out: string[] = [];
  const properties = schema.properties as Record<string, S.JsonSchema> | undefined;
  if (properties)
    for (const [name, sub] of Object.entries(properties)) {
      out.push(`${prefix}.${name}`);
      out.push(...schemaPaths(sub, `${prefix}.${name}`));
    }
  if (schema.items) out.push(...schemaPaths(schema.items as S.JsonSchema, `${prefix}[]`));
  for (const branch of [schema.then, schema.else, ...((schema.oneOf as S.JsonSchema[] | undefined) ?? [])])
    if (branch) out.push(...schemaPaths(branch as S.JsonSchema, prefix));
  return out;
}

function examplePaths(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(value))
    for (const item of value) for (const p of examplePaths(item, `${prefix}[]`)) out.add(p);
  else if (value !== null && typeof value === 'object')
    for (const [name, sub] of Object.entries(value)) {
      out.add(`${prefix}.${name}`);
      for (const p of examplePaths(sub, `${prefix}.${name}`)) out.add(p);
    }
  return out;
}

let app: FastifyInstance;
before(async () => {
  app = Fastify({ ajv: { customOptions: { removeAdditional: false } } });
  requests.forEach(([, schema], i) => {
    app.post(`/request/${i}`, { schema: { body: schema } }, async (request) => request.body);
  });
  queries.forEach(([, schema], i) => {
    app.get(`/query/${i}`, { schema: { querystring: schema } }, async (request) => request.query);
  });
  responses.forEach(([, schema, example], i) => {
    app.get(`/response/${i}`, { schema: { response: { 200: schema } } }, async () => example);
  });
  await app.ready();
});
after(() => app.close());

test('request schemas accept the full example of their type, and name no field the type lacks', async () => {
  for (const [i, [name, schema, example]] of requests.entries()) {
    const r = await app.inject({ method: 'POST', url: `/request/${i}`, payload: example as object });
    assert.equal(r.statusCode, 200, `${name}: ${r.body}`);
    assert.deepEqual(r.json(), example, name);
    // The union body's branches are the two schemas checked on their own.
    if (schema.if !== undefined) continue;
    const present = examplePaths(example);
    for (const path of schemaPaths(schema))
      assert.ok(present.has(path), `${name}: schema field ${path} is not in the type`);
  }
});

test('query schemas accept the full example of their type', async () => {
  for (const [i, [name, schema, example]] of queries.entries()) {
    const r = await app.inject({
      method: 'GET',
      url: `/query/${i}`,
      query: Object.fromEntries(Object.entries(example).map(([k, v]) => [k, String(v)])),
    });
    assert.equal(r.statusCode, 200, `${name}: ${r.body}`);
    assert.deepEqual(r.json(), example, name);
    const present = examplePaths(example);
    for (const path of schemaPaths(schema))
      assert.ok(present.has(path), `${name}: schema field ${path} is not in the type`);
  }
});

test('response schemas serialize the full example of their type unchanged, and name no extra field', async () => {
  for (const [i, [name, schema, example]] of responses.entries()) {
    const r = await app.inject({ method: 'GET', url: `/response/${i}` });
    assert.equal(r.statusCode, 200, `${name}: ${r.body}`);
    assert.deepEqual(r.json(), example, `${name}: a type field is missing from the schema`);
    const present = examplePaths(example);
    for (const path of schemaPaths(schema)) {
      // `champion: null` has no sub-fields to compare; the non-null example covers them.
      if (name === 'ModelDetail (no champion)') break;
      assert.ok(present.has(path), `${name}: schema field ${path} is not in the type`);
    }
  }
});

test('request schemas refuse a field the type does not have', async () => {
  const r = await app.inject({
    method: 'POST',
    url: '/request/0',
    payload: { key: 'd1', rows: [{ x: 1 }], surprise: 1 },
  });
  assert.equal(r.statusCode, 400);
});
