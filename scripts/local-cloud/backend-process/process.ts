/**
 * The backend (backend.ts) in a child process: Step Functions and every function that does not answer
 * HTTP requests from shared stores run apart from the API process, as the managed services and the
 * event-driven Lambdas run apart from the API's Lambdas in AWS.
 *
 * Why: in one process, each ticket's trip through the chain (the bus, the queues, Step Functions, the
 * consumers, the triage model and the duplicate index) took the API's event loop for tens of
 * milliseconds and its state lengthened every garbage collection there. Apart, the API process stays
 * small and the OS shares the cores between them. The API process reaches the backend over 127.0.0.1:
 * the gateway forwards the backend functions' routes, and `invoke` works as Lambda's Invoke would.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoints } from '../backend';
import type { OpenApiDocument, RemoteHttpFunctions } from '../gateway';
import { runsInApiProcess } from '../placement';
import type { LocalWiring } from '../wiring/wiring';
import { superviseChild } from '../child-service';
import { INVOKE_PATH, type BackendConfig, type FromBackend } from './protocol';

export interface BackendProcess extends RemoteHttpFunctions {
  url: string;
  wiring: LocalWiring;
  endpoints: Endpoints;
  /** What every function's environment gets on top of its declared variables (endpoints, data dirs). */
  environment: Record<string, string>;
  /** Queue URL by queue ARN, for the triggers of the functions the API process runs. */
  queueUrls: ReadonlyMap<string, string>;
  /** Invokes one of the backend's functions by name; a handler's error comes back with its name and message. */
  invoke(functionName: string, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../../..');

export async function startBackendProcess(
  config: BackendConfig,
  logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>,
  /** Called if the backend exits without being asked to (a crash, or killed). */
  onUnexpectedExit: (error: Error) => void = () => undefined,
): Promise<BackendProcess> {
  const child = fork(fileURLToPath(new URL('./process-main.ts', import.meta.url)), [JSON.stringify(config)], {
    cwd: root,
    // The old generation grows to 1.5 times what the last full GC kept instead of up to 4 times (V8's
    // ceiling on a machine with much memory): after importing 100,000 tickets the backend held about
    // 150 MB of heap (and 170 MB of typed arrays) yet its RSS had reached 1.2 GB.
    execArgv: ['--import', 'tsx', '--heap-growing-percent=50'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (message: FromBackend) => {
    if (message.kind === 'log') logger[message.level](message.message);
  });
  const { started, stop } = await superviseChild<Extract<FromBackend, { kind: 'started' }>>(child, {
    name: 'local cloud backend',
    onUnexpectedExit: (error) => {
      logger.error(error.message);
      onUnexpectedExit(error);
    },
  });
  const { url, wiring, endpoints, environment, queueUrls } = started;
  return {
    url,
    wiring,
    endpoints,
    environment,
    queueUrls: new Map(queueUrls),
    functions: wiring.functions.filter((fn) => !runsInApiProcess(fn, config.backendServices)),
    async invoke(functionName, payload) {
      const response = await fetch(`${url}${INVOKE_PATH}/${encodeURIComponent(functionName)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload ?? null),
      });
      const reply = (await response.json()) as { result?: unknown; error?: { name: string; message: string } };
      if (reply.error) throw Object.assign(new Error(reply.error.message), { name: reply.error.name });
      return reply.result;
    },
    async fetch(request) {
      const incoming = new URL(request.url);
      const headers = new Headers(request.headers);
      for (const hop of ['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']) headers.delete(hop);
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      return fetch(`${url}${incoming.pathname}${incoming.search}`, {
        method: request.method,
        headers,
        redirect: 'manual',
        ...(hasBody ? { body: await request.arrayBuffer() } : {}),
      });
    },
    async openApiDocument() {
      return (await (await fetch(`${url}/api/openapi.json`)).json()) as OpenApiDocument;
    },
    stop,
  };
}
