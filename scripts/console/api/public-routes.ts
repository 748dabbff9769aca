import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../../config/load-config.js';
import type { ApiRoute } from './api-route.js';
import { openApiDocument } from './openapi.js';
import { HealthSchema } from './schemas.js';

const VERSION = (JSON.parse(readFileSync(resolve(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Routes that need no credential: liveness, readiness (the store answers), and the OpenAPI document. */
export function publicRoutes(documented: () => readonly ApiRoute[]): ApiRoute[] {
  let document: Record<string, unknown> | undefined;
  return [
    {
      method: 'get',
      path: '/healthz',
      operationId: 'live',
      summary: 'Liveness: the process answers',
      public: true,
      responses: { 200: { description: 'Alive', schema: HealthSchema } },
      run: async () => ({ status: 200, json: { ok: true, status: 'live' } }),
    },
    {
      method: 'get',
      path: '/readyz',
      operationId: 'ready',
      summary: 'Readiness: the store answers',
      public: true,
      responses: { 200: { description: 'Ready', schema: HealthSchema }, 503: { description: 'The store does not answer', schema: HealthSchema } },
      run: async ({ ctx }) => {
        try {
          await ctx.store().cacheGet('kubiya-jit:readiness', ctx.clock.now());
          return { status: 200, json: { ok: true, status: 'ready' } };
        } catch (err) {
          ctx.log.error('readiness: the store does not answer', { error: String(err) });
          return { status: 503, json: { ok: false, status: 'store unavailable' } };
        }
      },
    },
    {
      method: 'get',
      path: '/api/v1/openapi.json',
      operationId: 'openApi',
      summary: 'This API as an OpenAPI 3.1 document',
      public: true,
      responses: { 200: { description: 'The OpenAPI document' } },
      run: async () => ({ status: 200, json: (document ??= openApiDocument(documented(), VERSION)) }),
    },
  ];
}
