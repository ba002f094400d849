import type { RouteOptions } from 'fastify';
import { errorSchema, type JsonSchema } from './schemas.ts';

/** What the OpenAPI builder needs of a registered route. */
export interface RouteRecord {
  readonly method: string;
  readonly url: string;
  readonly scope?: string;
  readonly summary?: string;
  readonly schema?: {
    params?: JsonSchema;
    querystring?: JsonSchema;
    body?: JsonSchema;
    response?: Record<string, JsonSchema>;
  };
  readonly mediaTypes?: readonly string[];
}

export function routeRecord(route: RouteOptions): RouteRecord[] {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods
    .filter((m) => m !== 'HEAD')
    .map((method) => ({
      method,
      url: route.url,
      scope: route.config?.scope,
      summary: route.config?.summary,
      schema: route.schema as RouteRecord['schema'],
      mediaTypes: route.url.endsWith('/data')
        ? ['application/json', 'application/x-ndjson', 'text/csv']
        : undefined,
    }));
}

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No content',
  '4xx': 'Client error ({error: {code, message, details}})',
  '5xx': 'Server error / not ready',
};

/**
 * The OpenAPI 3.1 document, built from the same schemas fastify validates with (3.1 schemas are
 * JSON Schema, so they are used as they are). Fastify `:param` paths become `{param}`.
 */
export function buildOpenApi(
  routes: readonly RouteRecord[],
  info: { title: string; version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    if (route.url === '/openapi.json' || route.url === '*') continue;
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const schema = route.schema ?? {};
    const parameters: unknown[] = [];
    for (const [where, part] of [
      ['path', schema.params],
      ['query', schema.querystring],
    ] as const) {
      const props = (part?.properties ?? {}) as Record<string, JsonSchema>;
      const required = (part?.required ?? []) as string[];
      for (const [name, s] of Object.entries(props))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || required.includes(name),
          schema: s,
        });
    }
    const responses: Record<string, unknown> = {};
    for (const [status, s] of Object.entries(schema.response ?? { 200: {} })) {
      responses[status] =
        status === '204'
          ? { description: STATUS_TEXT[status] }
          : { description: STATUS_TEXT[status] ?? status, content: { 'application/json': { schema: s } } };
    }
    if (route.scope !== undefined) {
      responses['401'] ??= {
        description: 'Missing or unknown bearer token',
        content: { 'application/json': { schema: errorSchema } },
      };
      responses['403'] ??= {
        description: `Token lacks the "${route.scope}" scope`,
        content: { 'application/json': { schema: errorSchema } },
      };
    }
    const operation: Record<string, unknown> = {
      summary: route.summary ?? `${route.method} ${path}`,
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters,
      responses,
      security: route.scope === undefined ? [] : [{ bearer: [route.scope] }],
    };
    if (route.scope !== undefined) operation['x-aimass-scope'] = route.scope;
    if (route.mediaTypes !== undefined)
      operation.requestBody = {
        required: true,
        content: Object.fromEntries(
          route.mediaTypes.map((t) => [
            t,
            {
              schema:
                t === 'application/json' ? { type: 'array', items: { type: 'object' } } : { type: 'string' },
            },
          ]),
        ),
      };
    else if (schema.body !== undefined)
      operation.requestBody = { required: true, content: { 'application/json': { schema: schema.body } } };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Tokens with scopes predict, ingest, admin (admin implies all)',
        },
      },
    },
  };
}
