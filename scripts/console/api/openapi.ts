import { z } from 'zod';
import type { ApiRoute } from './api-route.js';
import { ErrorSchema, HealthSchema } from './schemas.js';

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the `$schema` marker. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  return rest;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and its zod schemas (which are
 * built from the tools' own argument definitions), so it cannot fall out of step with what the server does.
 */
export function openApiDocument(routes: readonly ApiRoute[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const parameters = [
      ...Object.entries(route.pathParams?.shape ?? {}).map(([name, schema]) => parameter(name, 'path', schema as z.ZodType, true)),
      ...Object.entries(route.query?.shape ?? {}).map(([name, schema]) => parameter(name, 'query', schema as z.ZodType, !(schema as z.ZodType).safeParse(undefined).success)),
    ];
    const responses: Json = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        content: { [response.contentType ?? 'application/json']: { schema: response.schema ? jsonSchema(response.schema, 'output') : { type: 'string' } } },
      };
    }
    Object.assign(responses, {
      400: errorResponse('Bad input: the code and message say what to fix'),
      401: errorResponse('No valid session or token'),
      403: errorResponse('Not allowed for this person (not an approver, self-approval, cross-site request, …)'),
      404: errorResponse('No such request or token'),
      409: errorResponse('The request is not in a state that allows this (already decided, not active)'),
      502: errorResponse('Slack, the directory, AWS or the Enforcer failed'),
    });
    if (route.public) for (const code of ['401', '403', '404', '409']) delete responses[code];
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.sameAs ? { description: `Does what \`${route.sameAs}\` does, acting as the caller, with the same validation and error codes.` } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
      ...(route.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'kubiya-jit API',
      version,
      description: 'Just-in-time access: request, approve, watch and audit. The same use cases as the Kubiya tools; errors are `{ ok: false, code, message }` as with `--output json`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    paths,
    components: {
      schemas: { Error: jsonSchema(ErrorSchema, 'output'), Health: jsonSchema(HealthSchema, 'output') },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A personal API token (kjit_…) created on the console\'s Tokens page' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'kjit_session', description: 'The console session (__Host-kjit_session over https); state-changing calls also need X-CSRF-Token' },
      },
    },
  };
}

function parameter(name: string, place: 'path' | 'query', schema: z.ZodType, required: boolean): Json {
  const rendered = jsonSchema(schema, 'input');
  const { description, ...rest } = rendered;
  return { name, in: place, required, ...(description ? { description } : {}), schema: rest };
}
