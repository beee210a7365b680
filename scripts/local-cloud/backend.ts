/**
 * Everything of the local cloud but the HTTP API: the emulators (SQS/SNS, DynamoDB, EventBridge, Step
 * Functions, MongoDB), the wiring read from serverless.yml, the functions it is told to load, and their
 * triggers. `npm start` runs it in a process of its own (backend-process.ts) beside the API process, as
 * the managed services and the event-driven Lambdas run apart from the API's Lambdas in AWS; tests that
 * read a function module's state run it in their own process. Production code is untouched: only
 * endpoints and providers change, through the same environment variables a Lambda would read.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { provisionTables, startLocalDynamoDb } from './dynamodb';
import { LocalEventBus, sqsTarget, type EventTarget } from './eventbridge/bus';
import { startLocalEventBridge } from './eventbridge/server';
import { applyFunctionEnvironment, createLambdaInvoker, disposeFunctions, loadFunctions, type LoadedFunction } from './functions';
import { startEmbeddedMongoProcess } from './mongo/server-process';
import { PortBook } from './ports';
import { provisionQueues, restoreQueueSnapshot, saveQueueSnapshot, startLocalSqs } from './sqs-queues';
import { LocalStepFunctions } from './stepfunctions/engine';
import { StepFunctionsError } from './stepfunctions/errors';
import { startLocalStepFunctions } from './stepfunctions/server';
import { startTriggers } from './triggers';
import { loadWiring, type FunctionSpec, type LocalWiring, type QueueSpec, type RuleTargetSpec } from './wiring/wiring';
import { StopStack } from './stop-stack';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';

type Logger = Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;

export interface BackendOptions {
  dataDir: string;
  /** Directories with a serverless.yml, platform first. */
  serviceDirs: string[];
  stage?: string;
  /** A MongoDB to use instead of the embedded one. */
  mongodbUri?: string;
  /** Extra environment for every function (providers, secrets). */
  environment?: Record<string, string>;
  /** Which of the wiring's functions this process loads (the rest run in the API process). */
  loads: (fn: FunctionSpec) => boolean;
  logger?: Logger;
}

export type Endpoints = Record<'sqs' | 'dynamodb' | 'eventbridge' | 'sfn' | 'mongodb', string>;

export interface Backend {
  wiring: LocalWiring;
  bus: LocalEventBus;
  endpoints: Endpoints;
  /** What every function's environment gets on top of its declared variables (endpoints, data dirs). */
  environment: Record<string, string>;
  /** The functions loaded here. */
  functions: Map<string, LoadedFunction>;
  /** Invokes a function loaded here by ARN or name, as Lambda's Invoke API would. */
  invoke(arnOrName: string, payload: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/** The region and dummy keys every SDK client in this process signs with (the emulators accept any). */
export function useLocalAwsCredentials(): void {
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
  });
}

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const logger = options.logger ?? console;
  const stage = options.stage ?? 'local';
  const stops = new StopStack(logger);
  const stopAll = () => stops.stopAll();

  try {
    await mkdir(options.dataDir, { recursive: true });
    useLocalAwsCredentials();

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
    // Tools connect over TCP (`mongodbUri`); the services use the faster Unix socket.
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

    const endpoints: Endpoints = {
      sqs: sqs.endpoint,
      dynamodb: dynamodb.endpoint,
      eventbridge: eventBridgeServer.endpoint,
      sfn: sfnServer.endpoint,
      mongodb: mongodbUri,
    };
    const environment: Record<string, string> = {
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      AWS_ENDPOINT_URL_SNS: sqs.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeServer.endpoint,
      AWS_ENDPOINT_URL_SFN: sfnServer.endpoint,
      MONGODB_URI: servicesMongodbUri,
      // Services that keep state on local disk keep it under the data dir, so it survives restarts.
      DEDUPE_DATA_DIR: path.join(options.dataDir, 'dedupe'),
      TRIAGE_DATA_DIR: path.join(options.dataDir, 'triage'),
      // The API process outlives its responses (unlike a Lambda container), so writes answer after the
      // commit and the relay publishes right behind them.
      TICKETS_PUBLISH_AFTER_RESPONSE: 'true',
      ...options.environment,
    };
    applyFunctionEnvironment(wiring.functions, process.env, environment);
    const functions = await loadFunctions(wiring.functions.filter(options.loads));
    // Runs after the pollers and schedules stopped (stops run in reverse), before the emulators.
    stops.push(() => disposeFunctions(functions.values()));
    invoke = createLambdaInvoker(functions);

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

    return { wiring, bus, endpoints, environment, functions, invoke: (arnOrName, payload) => invoke(arnOrName, payload), stop: stopAll };
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
