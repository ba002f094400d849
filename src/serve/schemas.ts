import { FLEET_NAME_SOURCE, KEY_MAX_LENGTH, KEY_PATTERN_SOURCE } from '../fleet/keys.ts';

/**
 * JSON schemas of every route body, query, path parameter and response. Fastify validates
 * requests with them (Ajv) and serializes responses with them; /openapi.json publishes them.
 * They mirror `api-types.ts` (checked field by field in api-types.test.ts).
 */
export type JsonSchema = Record<string, unknown>;

/** Fleet names as the store accepts them. */
export const FLEET_PATTERN = FLEET_NAME_SOURCE;
export { KEY_MAX_LENGTH };
export const KEY_PATTERN = KEY_PATTERN_SOURCE;

const nullable = (type: string): JsonSchema => ({ type: [type, 'null'] });
const num = { type: 'number' };
const int = { type: 'integer' };
const str = { type: 'string' };
const label = { type: ['string', 'number'] };
const nullableLabel = { type: ['string', 'number', 'null'] };

export const keySchema: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: KEY_MAX_LENGTH,
  pattern: KEY_PATTERN,
};
export const fleetSchema: JsonSchema = { type: 'string', pattern: FLEET_PATTERN };
const rowSchema: JsonSchema = { type: 'object', additionalProperties: true };
const freeObject: JsonSchema = { type: 'object', additionalProperties: true };

function object(properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

export const errorSchema = object({
  error: object({ code: str, message: str, details: freeObject }),
});

export const fleetParams = object({ fleet: fleetSchema });
export const fleetKeyParams = object({ fleet: fleetSchema, key: keySchema });
export const runParams = object({ id: { type: 'integer', minimum: 1 } });
export const pageQuery = object({ limit: { type: 'integer', minimum: 1, maximum: 1000 }, cursor: str }, [
  'limit',
  'cursor',
]);

export const modelRefSchema = object({
  key: str,
  version: int,
  algorithm: str,
  fallback: nullable('string'),
});

// Limits on counts are checked in the handlers (413 with a message), not here (400).
export const predictRequestSchema = object({
  key: keySchema,
  rows: { type: 'array', minItems: 1, items: rowSchema },
});
export const predictManyRequestSchema = object({
  items: { type: 'array', minItems: 1, items: object({ key: keySchema, row: rowSchema }) },
});
/**
 * One body schema for both predict shapes. `if/then/else` (not `oneOf`) so a validation error
 * names the field of the shape that was meant: a body with `items` is a batch.
 */
export const predictBodySchema: JsonSchema = {
  type: 'object',
  if: { type: 'object', required: ['items'] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, never awaited
  then: predictManyRequestSchema,
  else: predictRequestSchema,
};

const nullableNumbers = { type: 'array', items: nullable('number') };
export const predictResponseSchema = object(
  {
    key: str,
    model: modelRefSchema,
    predictions: nullableNumbers,
    labels: { type: 'array', items: nullableLabel },
    probabilities: { type: 'array', items: nullableNumbers },
    classes: { type: 'array', items: label },
  },
  ['labels', 'probabilities', 'classes'],
);
export const predictManyItemSchema = object(
  {
    key: str,
    model: modelRefSchema,
    prediction: nullable('number'),
    label: nullableLabel,
    probabilities: nullableNumbers,
    classes: { type: 'array', items: label },
  },
  ['label', 'probabilities', 'classes'],
);
export const predictManyResponseSchema = object({ items: { type: 'array', items: predictManyItemSchema } });
export const predictAnyResponseSchema: JsonSchema = {
  type: 'object',
  if: { type: 'object', required: ['items'] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword, never awaited
  then: predictManyResponseSchema,
  else: predictResponseSchema,
};

export const forecastRequestSchema = object({ key: keySchema, horizon: { type: 'integer', minimum: 1 } });
export const forecastIntervalSchema = object({ level: num, lower: nullableNumbers, upper: nullableNumbers });
export const forecastResponseSchema = object({
  key: str,
  model: modelRefSchema,
  forecast: nullableNumbers,
  intervals: { type: 'array', items: forecastIntervalSchema },
});
export const scoreRequestSchema = predictRequestSchema;
export const scoreResponseSchema = object({
  key: str,
  model: modelRefSchema,
  scores: nullableNumbers,
  flags: nullableNumbers,
});

export const fleetSpecInputSchema: JsonSchema = {
  type: 'object',
  required: ['name', 'key', 'task'],
  properties: { name: fleetSchema, key: str, task: str },
  additionalProperties: true,
  description: 'A fleet spec (see train/spec.ts FleetSpec); checked in full by validateFleetSpec.',
};
export const fleetSummarySchema = object({ name: str, specVersion: nullable('integer'), createdAt: num });
export const fleetDetailSchema = object({
  name: str,
  specVersion: nullable('integer'),
  createdAt: num,
  spec: { type: ['object', 'null'], additionalProperties: true },
});
export const fleetListSchema = object({ items: { type: 'array', items: fleetSummarySchema } });

export const dataIssueSchema = object({
  line: nullable('integer'),
  row: int,
  column: nullable('string'),
  reason: str,
  message: str,
});
export const dataAppendResponseSchema = object({
  format: { type: 'string', enum: ['csv', 'ndjson', 'json'] },
  rowsRead: int,
  rowsAccepted: int,
  rowsRejected: int,
  keys: int,
  quarantined: int,
  quarantineDropped: int,
  examples: { type: 'array', items: dataIssueSchema },
});

const runStatus = { type: 'string', enum: ['running', 'done', 'failed', 'cancelled'] };
export const startRunRequestSchema = object(
  { keys: { type: 'array', items: keySchema, minItems: 1 }, reason: { type: 'string', maxLength: 1000 } },
  ['keys', 'reason'],
);
export const startRunResponseSchema = object({ runId: int });
export const runInfoSchema = object({
  id: int,
  fleet: str,
  specVersion: int,
  status: runStatus,
  keyCount: int,
  shardCount: int,
  createdAt: num,
  finishedAt: nullable('number'),
});
export const runListSchema = object({
  items: { type: 'array', items: runInfoSchema },
  nextCursor: nullable('string'),
});
export const runProgressSchema = object({
  runId: int,
  status: runStatus,
  keysTotal: int,
  keysDone: int,
  shardsTotal: int,
  shardsDone: int,
  shardsRunning: int,
  shardsFailed: int,
  modelsWritten: int,
  keyFailures: int,
  elapsedMs: num,
  modelsPerSecond: num,
});
export const runDetailSchema = object({ run: runInfoSchema, progress: runProgressSchema });
export const cancelRunResponseSchema = object({ runId: int, status: runStatus });

const modelStatus = { type: 'string', enum: ['candidate', 'champion', 'archived'] };
export const modelSummarySchema = object({
  fleet: str,
  key: str,
  version: int,
  status: modelStatus,
  algorithm: str,
  params: freeObject,
  metrics: { type: 'object', additionalProperties: nullable('number') },
  trainStart: nullable('number'),
  trainEnd: nullable('number'),
  rowCount: int,
  dataHash: str,
  specVersion: int,
  fallbackReason: nullable('string'),
  runId: nullable('integer'),
  shard: nullable('integer'),
  bundleBytes: int,
  createdAt: num,
  promotedAt: nullable('number'),
});
export const modelListQuerySchema = object(
  {
    status: modelStatus,
    algorithm: { type: 'string', maxLength: 128 },
    fallback: { type: 'boolean' },
    key: keySchema,
    metric: { type: 'string', maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 1000 },
    cursor: { type: 'string', maxLength: 1000 },
  },
  ['status', 'algorithm', 'fallback', 'key', 'metric', 'limit', 'cursor'],
);
export const modelListSchema = object({
  items: { type: 'array', items: modelSummarySchema },
  nextCursor: nullable('string'),
});
export const modelDetailSchema = object({
  key: str,
  champion: { oneOf: [modelSummarySchema, { type: 'null' }] },
  history: { type: 'array', items: modelSummarySchema },
});
export const promoteRequestSchema = object(
  { version: { type: 'integer', minimum: 1 }, reason: { type: 'string', maxLength: 1000 } },
  ['reason'],
);
export const rollbackRequestSchema = object({ reason: { type: 'string', maxLength: 1000 } }, ['reason']);
export const championChangeSchema = object({ key: str, champion: int });

export const healthSchema = object({ status: { type: 'string', enum: ['ok'] } });
export const readySchema = object({ status: { type: 'string', enum: ['ready'] } });
