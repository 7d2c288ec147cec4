import j2s from 'joi-to-swagger';
import type Joi from 'joi';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string; // Express style, /v1/users/:id
  summary: string;
  tags: string[];
  permission: string | null;
  idempotent: boolean;
  previewable?: boolean;
  body?: Joi.Schema;
  query?: Joi.Schema;
  params?: Joi.Schema;
  responses: Record<number, { description: string; schema?: Joi.Schema; contentType?: string }>;
}

/**
 * joi-to-swagger knows joi's built-in types only; a schema it cannot convert is published as an
 * open schema with a note rather than failing the whole document.
 */
function toSwagger(schema: Joi.Schema): Record<string, unknown> {
  try {
    return j2s(schema).swagger;
  } catch (err) {
    return { description: `(schema not convertible: ${err instanceof Error ? err.message : String(err)})` };
  }
}

/** Collects every route's joi schemas, so the published contract is the one that validates. */
export class OpenApiRegistry {
  private readonly routes: RouteDoc[] = [];

  add(doc: RouteDoc): void {
    this.routes.push(doc);
  }

  list(): readonly RouteDoc[] {
    return this.routes;
  }

  document(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:(\w+)/g, '{$1}');
      const parameters: unknown[] = [];
      for (const [where, schema] of [
        ['path', r.params],
        ['query', r.query],
      ] as const) {
        if (!schema) continue;
        const s = toSwagger(schema) as { properties?: Record<string, unknown>; required?: string[] };
        for (const [name, prop] of Object.entries(s.properties ?? {})) {
          parameters.push({
            name,
            in: where,
            required: where === 'path' || !!s.required?.includes(name),
            schema: prop,
          });
        }
      }
      if (r.idempotent) {
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          ...(r.previewable
            ? { description: 'Not needed with ?preview=true (a dry run stores nothing)' }
            : {}),
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        });
      }
      const responses: Record<string, unknown> = {};
      for (const [status, res] of Object.entries(r.responses)) {
        responses[status] = {
          description: res.description,
          ...(res.schema
            ? { content: { [res.contentType ?? 'application/json']: { schema: toSwagger(res.schema) } } }
            : {}),
        };
      }
      responses.default = {
        description: 'A problem (RFC 9457)',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
      (paths[path] ??= {})[r.method] = {
        summary: r.summary,
        tags: r.tags,
        ...(r.permission ? { security: [{ bearer: [] }], 'x-permission': r.permission } : {}),
        parameters,
        ...(r.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: toSwagger(r.body) } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: '3.0.3',
      info: { title: 'Redress API', version },
      paths,
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
        schemas: {
          Problem: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              title: { type: 'string' },
              status: { type: 'integer' },
              detail: { type: 'string' },
              errors: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { path: { type: 'string' }, message: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    };
  }
}
