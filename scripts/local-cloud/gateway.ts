/**
 * The local stand-in for API Gateway: one Hono app that routes each request to the function whose
 * `httpApi` event declares its path, plus health, the merged OpenAPI document and its UI.
 */
import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import type { LoadedFunction } from './functions';
import type { FunctionSpec } from './wiring/wiring';

/** Functions loaded in another process (see function-host/), reached by forwarding the request there. */
export interface RemoteHttpFunctions {
  functions: FunctionSpec[];
  fetch(request: Request): Promise<Response>;
  /** That process's merged OpenAPI document. */
  openApiDocument(): Promise<OpenApiDocument>;
}

interface OpenApiSource {
  getOpenAPI31Document(config: { openapi: '3.1.0'; info: { title: string; version: string } }): OpenApiDocument;
}

export interface OpenApiDocument {
  paths?: Record<string, unknown>;
  components?: Record<string, Record<string, unknown>>;
}

/** API Gateway's `{id}` / `{proxy+}` path syntax in Hono's. */
export function honoPath(apiGatewayPath: string): string {
  return apiGatewayPath.replace(/\{[^}]+\+\}/g, '*').replace(/\{([^}]+)\}/g, ':$1');
}

/**
 * API Gateway picks the most specific route, whatever the order they were declared in: literal segments
 * beat `{param}`, which beats a greedy `{proxy+}`. Hono matches in registration order, so register in
 * that order.
 */
export function routeSpecificity(apiGatewayPath: string): number[] {
  return apiGatewayPath
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.endsWith('+}') || segment === '*' ? 0 : segment.startsWith('{') ? 1 : 2));
}

export function compareRouteSpecificity(a: string, b: string): number {
  const [left, right] = [routeSpecificity(a), routeSpecificity(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    // A path that ends here outranks a greedy continuation of it.
    const difference = (right[index] ?? 0.5) - (left[index] ?? 0.5);
    if (difference !== 0) return difference;
  }
  return 0;
}

const httpRoutes = (spec: FunctionSpec) =>
  spec.triggers.flatMap((trigger) => (trigger.kind === 'http' ? [{ method: trigger.method, path: trigger.path === '*' ? '/{proxy+}' : trigger.path }] : []));

export function createGateway(
  functions: LoadedFunction[],
  options: { info: { title: string; version: string }; remote?: RemoteHttpFunctions[] },
): Hono {
  const gateway = new Hono();
  const apps: { fn: LoadedFunction; app: Hono }[] = [];
  const routes: { method: string; path: string; fetch: (request: Request) => Response | Promise<Response> }[] = [];
  for (const fn of functions) {
    const fnRoutes = httpRoutes(fn.spec);
    if (fnRoutes.length === 0) continue;
    const app = fn.module.app;
    if (!(app instanceof Hono)) {
      throw new Error(`${fn.spec.modulePath} has httpApi events but exports no Hono \`app\``);
    }
    apps.push({ fn, app });
    for (const route of fnRoutes) routes.push({ ...route, fetch: (request) => app.fetch(request) });
  }
  const remote = options.remote ?? [];
  for (const host of remote) {
    for (const spec of host.functions) for (const route of httpRoutes(spec)) routes.push({ ...route, fetch: (request) => host.fetch(request) });
  }
  routes.sort((a, b) => compareRouteSpecificity(a.path, b.path));
  for (const route of routes) {
    const methods = route.method === '*' ? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] : [route.method];
    gateway.on(methods, honoPath(route.path), (c) => route.fetch(c.req.raw));
  }

  const services = [...new Set([...apps.map(({ fn }) => fn.spec.service), ...remote.flatMap((host) => host.functions.map((spec) => spec.service))])];
  gateway.get('/api/health', (c) => c.json({ status: 'ok', services }));
  gateway.get('/api/openapi.json', async (c) => {
    const remoteDocuments = await Promise.all(remote.map((host) => host.openApiDocument()));
    return c.json(mergeOpenApiDocuments([...apps.map(({ app }) => openApiDocumentOf(app, options.info)), ...remoteDocuments], options.info));
  });
  gateway.get('/api/docs', swaggerUI({ url: '/api/openapi.json' }));
  return gateway;
}

const openApiDocumentOf = (app: unknown, info: { title: string; version: string }): OpenApiDocument | undefined =>
  typeof (app as Partial<OpenApiSource>).getOpenAPI31Document === 'function' ? (app as OpenApiSource).getOpenAPI31Document({ openapi: '3.1.0', info }) : undefined;

/** One OpenAPI 3.1 document from every service app that describes itself. */
export function mergeOpenApi(apps: unknown[], info: { title: string; version: string }): Record<string, unknown> {
  return mergeOpenApiDocuments(
    apps.map((app) => openApiDocumentOf(app, info)),
    info,
  );
}

export function mergeOpenApiDocuments(documents: (OpenApiDocument | undefined)[], info: { title: string; version: string }): Record<string, unknown> {
  const merged: { openapi: '3.1.0'; info: typeof info; paths: Record<string, unknown>; components: Record<string, Record<string, unknown>> } = {
    openapi: '3.1.0',
    info,
    paths: {},
    components: {},
  };
  for (const document of documents) {
    if (!document) continue;
    Object.assign(merged.paths, document.paths);
    for (const [kind, entries] of Object.entries(document.components ?? {})) {
      merged.components[kind] = { ...merged.components[kind], ...entries };
    }
  }
  return merged;
}
