/**
 * The local stand-in for API Gateway: one Hono app that routes each request to the function whose
 * `httpApi` event declares its path, plus health, the merged OpenAPI document and its UI.
 */
import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import type { LoadedFunction } from './functions';

interface OpenApiSource {
  getOpenAPI31Document(config: { openapi: '3.1.0'; info: { title: string; version: string } }): OpenApiDocument;
}

interface OpenApiDocument {
  paths?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown>>;
}

/** API Gateway's `{id}` / `{proxy+}` path syntax in Hono's. */
export function honoPath(apiGatewayPath: string): string {
  return apiGatewayPath.replace(/\{[^}]+\+\}/g, '*').replace(/\{([^}]+)\}/g, ':$1');
}

export function createGateway(functions: LoadedFunction[], options: { info: { title: string; version: string } }): Hono {
  const gateway = new Hono();
  const apps: { fn: LoadedFunction; app: Hono }[] = [];
  for (const fn of functions) {
    const routes = fn.spec.triggers.flatMap((trigger) => (trigger.kind === 'http' ? [trigger] : []));
    if (routes.length === 0) continue;
    const app = fn.module.app;
    if (!(app instanceof Hono)) {
      throw new Error(`${fn.spec.modulePath} has httpApi events but exports no Hono \`app\``);
    }
    apps.push({ fn, app });
    for (const route of routes) {
      const path = route.path === '*' ? '/*' : honoPath(route.path);
      gateway.on(route.method === '*' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] : [route.method], path, (c) =>
        app.fetch(c.req.raw),
      );
    }
  }

  gateway.get('/api/health', (c) => c.json({ status: 'ok', services: [...new Set(apps.map(({ fn }) => fn.spec.service))] }));
  gateway.get('/api/openapi.json', (c) => c.json(mergeOpenApi(apps.map(({ app }) => app), options.info)));
  gateway.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }));
  return gateway;
}

/** One OpenAPI 3.1 document from every service app that describes itself. */
export function mergeOpenApi(apps: unknown[], info: { title: string; version: string }): Record<string, unknown> {
  const merged: { openapi: '3.1.0'; info: typeof info; paths: Record<string, unknown>; components: Record<string, Record<string, unknown>> } = {
    openapi: '3.1.0',
    info,
    paths: {},
    components: {},
  };
  for (const app of apps) {
    if (typeof (app as Partial<OpenApiSource>).getOpenAPI31Document !== 'function') continue;
    const document = (app as OpenApiSource).getOpenAPI31Document({ openapi: '3.1.0', info });
    Object.assign(merged.paths, document.paths);
    for (const [kind, entries] of Object.entries(document.components ?? {})) {
      merged.components[kind] = { ...merged.components[kind], ...entries };
    }
  }
  return merged;
}
