/**
 * The whole system in one process, with no network, Docker or account: the emulators (SQS/SNS, DynamoDB,
 * EventBridge, Step Functions, MongoDB), the wiring read from serverless.yml, every function with its
 * triggers, and one HTTP server. Production code is untouched: only endpoints and providers change, through
 * the same environment variables a Lambda would read.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { serve, type ServerType } from '@hono/node-server';
import { provisionTables, startLocalDynamoDb } from './dynamodb';
import { LocalEventBus, sqsTarget, type EventTarget } from './eventbridge/bus';
import { startLocalEventBridge } from './eventbridge/server';
import { applyFunctionEnvironment, createLambdaInvoker, disposeFunctions, findFunction, loadFunctions, type LoadedFunction } from './functions';
import { partitionByService, startFunctionHost } from './function-host/host';
import { createGateway } from './gateway';
import { startEmbeddedMongoProcess } from './mongo/server-process';
import { PortBook } from './ports';
import { provisionQueues, restoreQueueSnapshot, saveQueueSnapshot, startLocalSqs } from './sqs-queues';
import { LocalStepFunctions } from './stepfunctions/engine';
import { StepFunctionsError } from './stepfunctions/errors';
import { startLocalStepFunctions } from './stepfunctions/server';
import { startTriggers } from './triggers';
import { loadWiring, type LocalWiring, type QueueSpec, type RuleTargetSpec } from './wiring/wiring';

export const REGION = 'us-east-1';
const API_INFO = { title: 'Cogdesk API', version: '1' };
/**
 * Services whose functions run in a process of their own (see function-host/host.ts): the cognitive
 * services, which hold the largest state and do most of the chain's work.
 */
export const DEFAULT_SERVICES_APART: readonly string[] = ['cogdesk-dedupe', 'cogdesk-triage'];
export const ACCOUNT_ID = '000000000000';

export interface LocalCloudOptions {
  dataDir: string;
  /** HTTP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Directories with a serverless.yml, platform first. */
  serviceDirs: string[];
  stage?: string;
  /** A MongoDB to use instead of the embedded one. */
  mongodbUri?: string;
  /** Services whose functions run in a child process rather than this one; default DEFAULT_SERVICES_APART. */
  servicesApart?: readonly string[];
  /** Extra environment for every function (providers, secrets). */
  environment?: Record<string, string>;
  logger?: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
}

export interface LocalCloud {
  url: string;
  wiring: LocalWiring;
  bus: LocalEventBus;
  endpoints: Record<'sqs' | 'dynamodb' | 'eventbridge' | 'sfn' | 'mongodb', string>;
  /** Invokes a function by ARN or name, wherever it runs, as Lambda's Invoke API would. */
  invoke(arnOrName: string, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const logger = options.logger ?? console;
  const stage = options.stage ?? 'local';
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.error('local cloud: stop failed', error);
      }
    }
  };

  try {
    await mkdir(options.dataDir, { recursive: true });
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });

    const ports = await PortBook.open(options.dataDir);
    const sqs = await ports.start('sqs', (port) => startLocalSqs({ region: REGION, port }));
    stops.push(() => sqs.server.stop());
    // Runs after everything that can still enqueue (pollers, Step Functions, the bus) has stopped, so the
    // snapshot holds exactly the unacknowledged work; and only once this run restored the last snapshot.
    const snapshotFile = path.join(options.dataDir, 'sqs-snapshot.json');
    const snapshotQueues: QueueSpec[] = [];
    stops.push(async () => {
      if (snapshotQueues.length > 0) await saveQueueSnapshot(sqs.server, snapshotQueues, snapshotFile);
    });
    const dynamodb = await ports.start('dynamodb', (port) => startLocalDynamoDb({ dataDir: path.join(options.dataDir, 'dynamodb'), port }));
    stops.push(() => dynamodb.stop());
    // Tools connect over TCP (`mongodbUri`); the services in this process use the faster Unix socket.
    let mongodbUri: string;
    let servicesMongodbUri: string;
    if (options.mongodbUri) {
      mongodbUri = servicesMongodbUri = options.mongodbUri;
    } else {
      const dataDir = path.join(options.dataDir, 'mongodb');
      const socketPath = path.join(tmpdir(), `cogdesk-mongodb-${createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}.sock`);
      const mongo = await ports.start('mongodb', (port) => startEmbeddedMongoProcess({ dataDir, port, socketPath }));
      stops.push(() => mongo.stop());
      mongodbUri = mongo.uri;
      servicesMongodbUri = mongo.socketUri ?? mongo.uri;
    }

    const wiring = await loadWiring({
      serviceDirs: options.serviceDirs,
      stage,
      region: REGION,
      accountId: ACCOUNT_ID,
      queueUrlBase: sqs.queueUrlBase,
    });

    const sqsClient = new SQSClient({ endpoint: sqs.endpoint, region: REGION });
    const dynamoClient = new DynamoDBClient({ endpoint: dynamodb.endpoint, region: REGION });
    const snsClient = new SNSClient({ endpoint: sqs.endpoint, region: REGION });
    const queueUrls = await provisionQueues(sqsClient, wiring.queues);
    await provisionTables(dynamoClient, wiring.tables);
    for (const topic of wiring.topics) await snsClient.send(new CreateTopicCommand({ Name: topic.name }));

    // Step Functions and the bus call functions that load later; bind them late.
    let invoke: (arnOrName: string, payload: unknown) => Promise<unknown> = () => Promise.reject(new Error('functions not loaded yet'));
    const bus = new LocalEventBus({ buses: wiring.buses, region: REGION, accountId: ACCOUNT_ID, logger });
    const stepFunctions = new LocalStepFunctions({
      dataDir: path.join(options.dataDir, 'stepfunctions'),
      lambdaInvoker: (arn, payload) => invoke(arn, payload),
      putEvents: (entries) => bus.putEvents(entries),
    });
    const eventBridgeServer = await ports.start('eventbridge', (port) => startLocalEventBridge({ bus, port }));
    stops.push(async () => {
      await eventBridgeServer.stop();
      await bus.drain();
    });
    const sfnServer = await ports.start('sfn', (port) => startLocalStepFunctions({ engine: stepFunctions, port }));
    stops.push(async () => {
      await sfnServer.stop();
      await stepFunctions.close();
    });
    for (const machine of wiring.stateMachines) {
      try {
        stepFunctions.createStateMachine({ name: machine.name, definition: machine.definition });
      } catch (error) {
        // The data dir holds last run's definition; serverless.yml is the truth, as a deploy would make it.
        if (!(error instanceof StepFunctionsError && error.code === 'StateMachineAlreadyExists')) throw error;
        stepFunctions.updateStateMachine({ stateMachineArn: machine.arn, definition: machine.definition });
      }
    }

    const endpoints = {
      sqs: sqs.endpoint,
      dynamodb: dynamodb.endpoint,
      eventbridge: eventBridgeServer.endpoint,
      sfn: sfnServer.endpoint,
      mongodb: mongodbUri,
    };
    applyFunctionEnvironment(wiring.functions, process.env, {
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SNS: sqs.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeServer.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnServer.endpoint,
      MONGODB_URI: servicesMongodbUri,
      // Services that keep state on local disk keep it under the data dir, so it survives restarts.
      DEDUPE_DATA_DIR: path.join(options.dataDir, 'dedupe'),
      TRIAGE_DATA_DIR: path.join(options.dataDir, 'triage'),
      ...options.environment,
    });
    const { apart, here } = partitionByService(wiring.functions, options.servicesApart ?? DEFAULT_SERVICES_APART);
    // The host loads its functions (models, indexes) while this process loads the rest.
    const hostStarting =
      apart.length === 0
        ? Promise.resolve(undefined)
        : startFunctionHost({ functions: apart, queueUrls, sqsEndpoint: sqs.endpoint, region: REGION, info: API_INFO, env: process.env, logger });
    stops.push(async () => (await hostStarting.catch(() => undefined))?.stop());
    const functions = await loadFunctions(here);
    // Runs after the pollers, schedules and HTTP server stopped (stops run in reverse), before the emulators.
    stops.push(() => disposeFunctions(functions.values()));
    const host = await hostStarting;
    const invokeHere = createLambdaInvoker(functions);
    invoke = (arnOrName, payload) => {
      const elsewhere = host && findFunction(apart.map((spec) => ({ spec })), arnOrName);
      return elsewhere ? host.invoke(elsewhere.spec.name, payload) : invokeHere(arnOrName, payload);
    };

    const targetFor = (target: RuleTargetSpec): EventTarget => {
      const [, , service] = target.arn.split(':');
      const transform = inputTransform(target);
      switch (service) {
        case 'sqs': {
          const url = queueUrls.get(target.arn);
          if (!url) throw new Error(`rule target ${target.arn} is not a declared queue`);
          const toQueue = sqsTarget(sqsClient, url);
          return { id: target.id, deliver: (events) => toQueue.deliver(events.map(transform)) };
        }
        case 'states':
          return {
            id: target.id,
            deliver: (events) => {
              for (const event of events) stepFunctions.startExecution({ stateMachineArn: target.arn, input: transform(event) });
              return Promise.resolve();
            },
          };
        case 'lambda':
          return {
            id: target.id,
            deliver: async (events) => {
              for (const event of events) await invoke(target.arn, JSON.parse(transform(event)));
            },
          };
        default:
          throw new Error(`rule target ${target.arn}: only SQS, Step Functions and Lambda targets run locally`);
      }
    };
    for (const rule of wiring.rules) {
      if (!rule.enabled) continue;
      bus.addRule({ name: rule.name, eventBusName: rule.eventBusName, pattern: rule.pattern, targets: rule.targets.map(targetFor) });
    }

    const restored = await restoreQueueSnapshot(sqsClient, new Map(wiring.queues.map((q) => [q.name, queueUrls.get(q.arn)!])), snapshotFile);
    if (restored > 0) logger.info(`local cloud: restored ${restored} queued messages`);
    snapshotQueues.push(...wiring.queues);

    const triggers = startTriggers(functions.values(), { client: sqsClient, queueUrls, logger });
    stops.push(() => triggers.stop());

    const gateway = createGateway([...functions.values()] as LoadedFunction[], { info: API_INFO, remote: host ? [host] : [] });
    const server = await listen(gateway.fetch, options.port);
    stops.push(() => closeServer(server));
    const { port } = server.address() as AddressInfo;

    return { url: `http://127.0.0.1:${port}`, wiring, bus, endpoints, invoke: (arnOrName, payload) => invoke(arnOrName, payload), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** A rule target's Input (constant) or InputPath (`$` or `$.detail`-style path) applied to an event. */
function inputTransform(target: RuleTargetSpec): (event: string) => string {
  if (target.input !== undefined) return () => target.input!;
  if (target.inputPath === undefined || target.inputPath === '$') return (event) => event;
  const keys = target.inputPath.replace(/^\$\.?/, '').split('.');
  return (event) => JSON.stringify(keys.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], JSON.parse(event)));
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
