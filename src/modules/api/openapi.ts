import { z } from 'zod';
import type { RouteDef } from '../../http/route';

/** The parts of a JSON Schema the document reads (the rest is passed through as is). */
type JsonSchema = { properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>;

function schemaOf(s: z.ZodType | undefined): JsonSchema | undefined {
  if (!s) return undefined;
  try {
    return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' });
  } catch {
    return {};
  }
}

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
      required: ['code', 'message'],
    },
  },
};

/** The OpenAPI 3 document, generated from the routes' own zod schemas: it cannot drift from the code. */
export function buildOpenApi(routes: RouteDef[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = `/api/v1${r.path.replace(/:(\w+)/g, '{$1}')}`;
    const params: unknown[] = [];
    const pathSchema = schemaOf(r.params);
    for (const name of (r.path.match(/:(\w+)/g) ?? []).map((s) => s.slice(1))) {
      params.push({ name, in: 'path', required: true, schema: pathSchema?.properties?.[name] ?? { type: 'string' } });
    }
    const qs = schemaOf(r.query);
    for (const [name, schema] of Object.entries(qs?.properties ?? {})) {
      params.push({ name, in: 'query', required: qs?.required?.includes(name) ?? false, schema });
    }
    const ok = String(r.status ?? 200);
    paths[p] ??= {};
    paths[p][r.method] = {
      summary: r.summary ?? '',
      tags: r.tag ? [r.tag] : [],
      'x-policy-action': r.action,
      security: r.action === 'public' ? [] : [{ bearer: [] }],
      parameters: params,
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body) } } } }
        : {}),
      responses: {
        [ok]: {
          description: 'Успешно',
          ...(r.response ? { content: { 'application/json': { schema: schemaOf(r.response) } } } : {}),
        },
        400: { description: 'Ошибка во входных данных', content: { 'application/json': { schema: ERROR } } },
        ...(r.action === 'public'
          ? {}
          : {
              401: { description: 'Нет или неверный токен' },
              403: { description: 'Нет права' },
              404: { description: 'Не найдено или вне вашей части структуры' },
            }),
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Единый реестр: интеграционный API',
      version: '1.0.0',
      description: 'Ошибки: {error: {code, message, fields?}}; даты YYYY-MM-DD; списки постранично.',
    },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
