/**
 * A function host: a child process that runs some services' functions apart from the local cloud's own
 * process, as Lambda runs each function in containers of its own. The local cloud gives it the functions,
 * the environment they read and where their queues are; the host runs their SQS and schedule triggers
 * itself, and the local cloud reaches the rest over HTTP on 127.0.0.1: the gateway forwards their routes,
 * and Step Functions and EventBridge invoke them as Lambda's Invoke would.
 *
 * Why: the cognitive services hold large in-memory state (the triage model, the duplicate index) and
 * spend most of the chain's CPU. Beside the HTTP API in one process, they lengthened its garbage
 * collections and took its event loop; apart, the API process stays small and the OS shares the cores.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpenApiDocument, RemoteHttpFunctions } from '../gateway';
import type { FunctionSpec } from '../wiring/wiring';
import { INVOKE_PATH, type FromHost, type HostConfig } from './protocol';

export interface FunctionHost extends RemoteHttpFunctions {
  url: string;
  /** Invokes one of the host's functions by name; a handler's error comes back with its name and message. */
  invoke(functionName: string, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export interface FunctionHostOptions extends Omit<HostConfig, 'queueUrls'> {
  queueUrls: ReadonlyMap<string, string>;
  /** The environment the functions read (endpoints, table and queue names, providers). */
  env: NodeJS.ProcessEnv;
  logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
}

const root = path.resolve(import.meta.dirname, '../../..');

export async function startFunctionHost(options: FunctionHostOptions): Promise<FunctionHost> {
  const { env, logger, ...rest } = options;
  const queueArns = new Set(rest.functions.flatMap((fn) => fn.triggers.flatMap((trigger) => (trigger.kind === 'sqs' ? [trigger.queueArn] : []))));
  const config: HostConfig = { ...rest, queueUrls: [...rest.queueUrls].filter(([arn]) => queueArns.has(arn)) };
  const child = fork(fileURLToPath(new URL('./host-main.ts', import.meta.url)), [JSON.stringify(config)], {
    cwd: root,
    env,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('message', (message: FromHost) => {
    if (message.kind === 'log') logger[message.level](message.message);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const exitedEarly = (code: number | null, signal: string | null) => reject(new Error(`function host exited before starting (${signal ?? `code ${code}`})`));
    child.once('error', reject);
    child.once('exit', exitedEarly);
    const onMessage = (message: FromHost) => {
      if (message.kind === 'log') return;
      child.off('message', onMessage);
      child.off('error', reject);
      child.off('exit', exitedEarly);
      if (message.kind === 'started') resolve(message.url);
      else reject(new Error(message.kind === 'failed' ? `function host failed to start: ${message.message}` : `function host sent ${message.kind} before starting`));
    };
    child.on('message', onMessage);
  });

  let stopping: Promise<void> | undefined;
  child.on('exit', (code, signal) => {
    if (!stopping) logger.error(`function host (${[...new Set(rest.functions.map((fn) => fn.service))].join(', ')}) exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return {
    url,
    functions: rest.functions,
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
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      const headers = new Headers(request.headers);
      for (const hop of ['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']) headers.delete(hop);
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
    stop: () =>
      (stopping ??= new Promise<void>((stopped, failed) => {
        child.on('message', (message: FromHost) => (message.kind === 'failed' ? failed(new Error(`function host failed to stop: ${message.message}`)) : undefined));
        void exited.then(() => stopped());
        if (child.connected) child.send('stop');
      })),
  };
}

/** The functions of the given services, apart from the rest. */
export function partitionByService(functions: FunctionSpec[], services: readonly string[]): { apart: FunctionSpec[]; here: FunctionSpec[] } {
  return {
    apart: functions.filter((fn) => services.includes(fn.service)),
    here: functions.filter((fn) => !services.includes(fn.service)),
  };
}
