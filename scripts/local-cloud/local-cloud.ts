/**
 * The whole system on this machine, with no network, Docker or account. Two processes by default, as
 * `npm start` runs it: this one serves the HTTP API (the gateway and the functions that answer from
 * shared stores) and runs the tickets service whole, its consumer and outbox sweep too (placement.ts);
 * the backend process (backend-process/) runs Step Functions, the wiring read from serverless.yml and
 * every other function with its triggers; the emulators (emulators-process/) and MongoDB run in
 * processes of their own.
 * Tests that read a function module's own state run it all in one process (`processes: 'one'`).
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { startBackend, useLocalAwsCredentials, type Endpoints } from './backend';
import { emulatorSqsClient } from './emulators';
import { startBackendProcess } from './backend-process/process';
import type { LocalEventBus } from './eventbridge/bus';
import { applyFunctionEnvironment, createLambdaInvoker, disposeFunctions, findFunction, loadFunctions, type LoadedFunction } from './functions';
import { createGateway, type RemoteHttpFunctions } from './gateway';
import { runsInApiProcess } from './placement';
import type { LocalWiring } from './wiring/wiring';
import { StopStack } from './stop-stack';
import { startTriggers } from './triggers';

export { ACCOUNT_ID, REGION } from './backend';

const API_INFO = { title: 'Cogdesk API', version: '1' };

export interface LocalCloudOptions {
  dataDir: string;
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Directories with a serverless.yml, platform first. */
  serviceDirs: string[];
  stage?: string;
  /** A MongoDB to use instead of the embedded one. */
  mongodbUri?: string;
  /** Extra environment for every function (providers, secrets). */
  environment?: Record<string, string>;
  logger?: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
  /** 'split' (default, what `npm start` runs): the backend in a process of its own; 'one': all here. */
  processes?: 'split' | 'one';
  /**
   * With 'split': 'background' (what `npm start` runs) gives the backend, once started, only the CPU time
   * the API, MongoDB and the emulators leave: on a laptop's few cores a burst of new tickets is answered
   * first and the chain works through its queues in the time left. Default 'normal'.
   */
  backendPriority?: 'normal' | 'background';
  /** With 'split': services whose every function runs in the backend (default: the cognitive ones). */
  backendServices?: readonly string[];
  /** With 'split': called if the backend process dies unasked; the API alone is no use, so stop and exit. */
  onBackendExit?: (error: Error) => void;
}

export interface LocalCloud {
  url: string;
  wiring: LocalWiring;
  endpoints: Endpoints;
  /** The event bus, when it runs in this process (`processes: 'one'`). */
  bus?: LocalEventBus;
  /** Invokes a function by ARN or name, wherever it runs, as Lambda's Invoke API would. */
  invoke(arnOrName: string, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const logger = options.logger ?? console;
  const stops = new StopStack(logger);
  const stopAll = () => stops.stopAll();

  try {
    let cloud: Omit<LocalCloud, 'url' | 'stop'>;
    let functions: LoadedFunction[];
    const remote: RemoteHttpFunctions[] = [];
    if (options.processes === 'one') {
      const backend = await startBackend({ ...options, loads: () => true, logger });
      stops.push(() => backend.stop());
      functions = [...backend.functions.values()];
      cloud = { wiring: backend.wiring, endpoints: backend.endpoints, bus: backend.bus, invoke: (arnOrName, payload) => backend.invoke(arnOrName, payload) };
    } else {
      const { dataDir, serviceDirs, stage, mongodbUri, environment, backendServices, backendPriority } = options;
      const backend = await startBackendProcess(
        { dataDir, serviceDirs, stage, mongodbUri, environment, backendServices, info: API_INFO, priority: backendPriority },
        logger,
        options.onBackendExit,
      );
      // Stopped after this process's functions (stops run in reverse): they may still be writing to it.
      stops.push(() => backend.stop());
      useLocalAwsCredentials();
      const specs = backend.wiring.functions.filter((fn) => runsInApiProcess(fn, backendServices));
      applyFunctionEnvironment(specs, process.env, backend.environment);
      const loaded = await loadFunctions(specs);
      stops.push(() => disposeFunctions(loaded.values()));
      functions = [...loaded.values()];
      // Stopped before the functions are disposed (stops run in reverse): a batch in flight finishes first.
      const triggers = startTriggers(functions, { client: emulatorSqsClient(backend.endpoints.sqs), queueUrls: backend.queueUrls, logger });
      stops.push(() => triggers.stop());
      remote.push(backend);
      const invokeHere = createLambdaInvoker(loaded);
      const invoke = (arnOrName: string, payload: unknown) => {
        const there = findFunction(
          backend.functions.map((spec) => ({ spec })),
          arnOrName,
        );
        return there ? backend.invoke(there.spec.name, payload) : invokeHere(arnOrName, payload);
      };
      cloud = { wiring: backend.wiring, endpoints: backend.endpoints, invoke };
    }

    const gateway = createGateway(functions, { info: API_INFO, remote });
    const server = await listen(gateway.fetch, options.port);
    stops.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;
    return { ...cloud, url: `http://127.0.0.1:${port}`, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open; in-flight requests finish first.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
  });
}
