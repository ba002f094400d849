import type { FastifyInstance } from 'fastify';
import { AimassError } from '../../core/errors.ts';
import type { Predictor } from '../../fleet/predictor.ts';
import type { ServedModel } from '../../fleet/serving.ts';
import type {
  ForecastRequest,
  ForecastResponse,
  PredictManyItem,
  PredictManyRequest,
  PredictManyResponse,
  PredictRequest,
  PredictResponse,
  Row,
  ScoreRequest,
  ScoreResponse,
} from '../api-types.ts';
import type { ServeContext } from '../context.ts';
import {
  forecastOutput,
  modelRef,
  mostProbable,
  probabilityRow,
  toNullableNumbers,
} from '../model-output.ts';
import { rowsToFrame } from '../rows-to-frame.ts';
import {
  errorSchema,
  fleetParams,
  forecastRequestSchema,
  forecastResponseSchema,
  predictAnyResponseSchema,
  predictBodySchema,
  scoreRequestSchema,
  scoreResponseSchema,
} from '../schemas.ts';

/** Prediction routes: predict (one entity or a batch), forecast, score. Scope `predict`. */
export function registerPredictRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.post<{ Params: { fleet: string }; Body: PredictRequest | PredictManyRequest }>(
    '/v1/fleets/:fleet/predict',
    {
      config: {
        scope: 'predict',
        summary: 'Predict for one entity ({key, rows}) or many ({items: [{key, row}]})',
      },
      schema: {
        params: fleetParams,
        body: predictBodySchema,
        response: { 200: predictAnyResponseSchema, '4xx': errorSchema },
      },
    },
    async (request) => {
      const { fleet } = request.params;
      const body = request.body;
      if ('items' in body) return predictMany(ctx, fleet, body);
      return predictOne(ctx, fleet, body);
    },
  );

  app.post<{ Params: { fleet: string }; Body: ForecastRequest }>(
    '/v1/fleets/:fleet/forecast',
    {
      config: { scope: 'predict', summary: 'Forecast the next `horizon` steps of one entity' },
      schema: {
        params: fleetParams,
        body: forecastRequestSchema,
        response: { 200: forecastResponseSchema, '4xx': errorSchema },
      },
    },
    async (request): Promise<ForecastResponse> => {
      const { fleet } = request.params;
      const { key, horizon } = request.body;
      if (horizon > ctx.limits.maxHorizon) throw tooMany('horizon', horizon, ctx.limits.maxHorizon, 'steps');
      const served = await ctx.cache.resolve(fleet, key);
      const predictor = served.predictor;
      if (predictor.forecast === undefined) throw wrongTask(fleet, key, served, 'forecast');
      return { key, model: modelRef(served), ...forecastOutput(predictor, horizon) };
    },
  );

  app.post<{ Params: { fleet: string }; Body: ScoreRequest }>(
    '/v1/fleets/:fleet/score',
    {
      config: { scope: 'predict', summary: 'Anomaly scores for rows of one entity' },
      schema: {
        params: fleetParams,
        body: scoreRequestSchema,
        response: { 200: scoreResponseSchema, '4xx': errorSchema },
      },
    },
    async (request): Promise<ScoreResponse> => {
      const { fleet } = request.params;
      const { key, rows } = request.body;
      if (rows.length > ctx.limits.maxRows) throw tooMany('rows', rows.length, ctx.limits.maxRows, 'rows');
      const served = await ctx.cache.resolve(fleet, key);
      const predictor = served.predictor;
      if (predictor.score === undefined) throw wrongTask(fleet, key, served, 'score');
      const frame = rowsToFrame(rows, predictor.inputColumns);
      const scores = predictor.score(frame);
      // The detector's own decision (its fitted threshold), so clients need not pick a cut-off.
      const flags = predictor.predict(frame).values;
      return {
        key,
        model: modelRef(served),
        scores: toNullableNumbers(scores),
        flags: toNullableNumbers(flags),
      };
    },
  );
}

async function predictOne(ctx: ServeContext, fleet: string, body: PredictRequest): Promise<PredictResponse> {
  const { key, rows } = body;
  if (rows.length > ctx.limits.maxRows) throw tooMany('rows', rows.length, ctx.limits.maxRows, 'rows');
  const served = await ctx.cache.resolve(fleet, key);
  const predictor = served.predictor;
  if (predictor.task === 'forecast') throw wrongTask(fleet, key, served, 'predict');
  const prediction = predictor.predict(rowsToFrame(rows, predictor.inputColumns));
  const response: PredictResponse = {
    key,
    model: modelRef(served),
    predictions: toNullableNumbers(prediction.values),
  };
  const { proba, classes } = prediction;
  if (proba !== undefined && classes !== undefined) {
    response.labels = rows.map((_, i) => mostProbable(proba, classes, i));
    response.probabilities = rows.map((_, i) => probabilityRow(proba, i));
    response.classes = [...classes];
  }
  return response;
}

/**
 * A batch: every distinct key is resolved once (in parallel), then items are grouped by the
 * predictor that serves them, so each model builds ONE frame and runs ONCE for the request.
 */
async function predictMany(
  ctx: ServeContext,
  fleet: string,
  body: PredictManyRequest,
): Promise<PredictManyResponse> {
  const items = body.items;
  if (items.length > ctx.limits.maxItems) throw tooMany('items', items.length, ctx.limits.maxItems, 'items');
  const distinct = [...new Set(items.map((item) => item.key))];
  const resolved = await Promise.all(distinct.map((key) => ctx.cache.resolve(fleet, key)));
  const servedByKey = new Map<string, ServedModel>();
  for (let k = 0; k < distinct.length; k++) servedByKey.set(distinct[k], resolved[k]);

  const groups = new Map<Predictor, number[]>();
  for (let i = 0; i < items.length; i++) {
    const predictor = (servedByKey.get(items[i].key) as ServedModel).predictor;
    let group = groups.get(predictor);
    if (group === undefined) {
      group = [];
      groups.set(predictor, group);
    }
    group.push(i);
  }

  const out = new Array<PredictManyItem>(items.length);
  for (const [predictor, indices] of groups) {
    if (predictor.task === 'forecast') {
      const key = items[indices[0]].key;
      throw wrongTask(fleet, key, servedByKey.get(key) as ServedModel, 'predict');
    }
    const rows: Row[] = indices.map((i) => items[i].row);
    const frame = rowsToFrame(rows, predictor.inputColumns, {
      rowIndex: indices,
      rowPath: (i) => `items[${i}].row`,
    });
    const { values, proba, classes } = predictor.predict(frame);
    for (let r = 0; r < indices.length; r++) {
      const i = indices[r];
      const key = items[i].key;
      const v = values[r];
      const item: PredictManyItem = {
        key,
        model: modelRef(servedByKey.get(key) as ServedModel),
        prediction: Number.isFinite(v) ? v : null,
      };
      if (proba !== undefined && classes !== undefined) {
        item.label = mostProbable(proba, classes, r);
        item.probabilities = probabilityRow(proba, r);
        item.classes = classes as PredictManyItem['classes'];
      }
      out[i] = item;
    }
  }
  return { items: out };
}

function tooMany(field: string, count: number, limit: number, unit: string): AimassError {
  return new AimassError(
    'LIMIT_EXCEEDED',
    `${field}: ${count} ${unit} exceed the limit of ${limit} per request`,
    {
      field,
      value: count,
      expected: `at most ${limit}`,
    },
  );
}

function wrongTask(
  fleet: string,
  key: string,
  served: ServedModel,
  route: 'predict' | 'forecast' | 'score',
): AimassError {
  const hint =
    served.predictor.task === 'forecast'
      ? 'use /forecast'
      : served.predictor.task === 'anomaly'
        ? 'use /predict or /score'
        : 'use /predict';
  return new AimassError(
    'PARAM_INVALID',
    `fleet "${fleet}": the ${served.predictor.task} model serving key "${key}" does not support ${route}; ${hint}`,
    { fleet, key, field: 'route', value: route, expected: hint },
  );
}
