/**
 * Everything of the local cloud but the HTTP API: the emulators (emulators.ts: SQS/SNS, DynamoDB,
 * EventBridge), Step Functions, MongoDB, the wiring read from serverless.yml, the functions it is told to
 * load, and their triggers. `npm start` runs it in a process of its own (backend-process/) beside the API
 * process, as the managed services and the event-driven Lambdas run apart from the API's Lambdas in AWS;
 * tests that read a function module's state run it in their own process. Production code is untouched: only
 * endpoints and providers change, through the same environment variables a Lambda would read.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { LocalEventBus } from './eventbridge/bus';
import { ACCOUNT_ID, emulatorClientConfig, emulatorSqsClient, REGION, startEmulators, type EmulatorEndpoints, type Emulators } from './emulators';
import { startEmulatorsProcess, type EmulatorsProcess } from './emulators-process/process';
import { applyFunctionEnvironment, createLambdaInvoker, disposeFunctions, loadFunctions, type LoadedFunction } from './functions';
import { startEmbeddedMongoProcess } from './mongo/server-process';
import { PortBook } from './ports';
import { LocalStepFunctions } from './stepfunctions/engine';
import { StepFunctionsError } from './stepfunctions/errors';
import { startLocalStepFunctions } from './stepfunctions/server';
import { startTriggers } from './triggers';
import type { FunctionSpec, LocalWiring, RuleTargetSpec } from './wiring/wiring';
import { StopStack } from './stop-stack';

export { ACCOUNT_ID, REGION };
type Logger = Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;

/** How long a shutdown waits for running executions to finish; any still running then count as interrupted. */
const EXECUTIONS_GRACE_MS = 10_000;

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
  /**
   * Where the emulators run: in this process (the default; tests read the bus), or in a child process
   * of their own (`npm start`: see emulators-process/process.ts).
   */
  emulators?: 'in-process' | 'process';
  /** Called if the emulators' process exits unasked; the backend cannot go on without it. */
  onEmulatorsExit?: (error: Error) => void;
  logger?: Logger;
}

export type Endpoints = EmulatorEndpoints & Record<'sfn' | 'mongodb', string>;

export interface Backend {
  wiring: LocalWiring;
  /** The event bus, when the emulators run in this process. */
  bus?: LocalEventBus;
  endpoints: Endpoints;
  /** What every function's environment gets on top of its declared variables (endpoints, data dirs). */
  environment: Record<string, string>;
  /** Queue URL by queue ARN. */
  queueUrls: ReadonlyMap<string, string>;
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

    // Step Functions and Lambda targets of the bus run here, beside the functions; both bind late.
    let startExecution: (arn: string, input: string) => void = () => {
      throw new Error('Step Functions is not running yet');
    };
    let invoke: (arnOrName: string, payload: unknown) => Promise<unknown> = () => Promise.reject(new Error('functions not loaded yet'));
    const deliverHere = async (target: RuleTargetSpec, events: string[]) => {
      if (target.arn.split(':')[2] === 'states') for (const event of events) startExecution(target.arn, event);
      else for (const event of events) await invoke(target.arn, JSON.parse(event));
    };
    // Progress for a start that can take half a minute on a large data dir.
    const started = performance.now();
    const ready = (what: string) => logger.info(`local cloud: ${what} ready (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const emulatorsConfig = { dataDir: options.dataDir, serviceDirs: options.serviceDirs, stage };
    const emulators: Emulators | EmulatorsProcess =
      options.emulators === 'process'
        ? await startEmulatorsProcess(emulatorsConfig, { deliver: deliverHere, logger, onUnexpectedExit: options.onEmulatorsExit ?? (() => undefined) })
        : await startEmulators({ ...emulatorsConfig, deliverElsewhere: deliverHere, logger });
    // Stops after the functions and Step Functions (stops run in reverse): the bus drains into them.
    stops.push(() => emulators.stop());
    ready('SQS, DynamoDB and EventBridge');
    const { wiring, queueUrls } = emulators;
    const ports = await PortBook.open(options.dataDir);

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
      ready('embedded MongoDB');
    }

    const sqsClient = emulatorSqsClient(emulators.endpoints.sqs);
    const eventBridgeClient = new EventBridgeClient(emulatorClientConfig(emulators.endpoints.eventbridge));
    const stepFunctions = new LocalStepFunctions({
      dataDir: path.join(options.dataDir, 'stepfunctions'),
      lambdaInvoker: (arn, payload) => invoke(arn, payload),
      putEvents: async (entries) => {
        const { FailedEntryCount = 0, Entries = [] } = await eventBridgeClient.send(new PutEventsCommand({ Entries: [...entries] }));
        return { FailedEntryCount, Entries };
      },
    });
    startExecution = (stateMachineArn, input) => void stepFunctions.startExecution({ stateMachineArn, input });
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

    const endpoints: Endpoints = { ...emulators.endpoints, sfn: sfnServer.endpoint, mongodb: mongodbUri };
    const environment: Record<string, string> = {
      AWS_ENDPOINT_URL_SQS: endpoints.sqs,
      AWS_ENDPOINT_URL_SNS: endpoints.sqs,
      AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
      AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
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
    ready('Step Functions');
    const functions = await loadFunctions(wiring.functions.filter(options.loads));
    ready(`${functions.size} functions`);
    // Runs after the pollers and schedules stopped (stops run in reverse), before the emulators.
    stops.push(() => disposeFunctions(functions.values()));
    invoke = createLambdaInvoker(functions);
    // Executions still waiting for a slot when the last run stopped can run now that their tasks can.
    stepFunctions.resume();
    // Runs after the triggers stop and before the functions go (stops run in reverse): what the bus still
    // holds for Step Functions is recorded to run on the next start, and the running executions may finish.
    stops.push(async () => {
      const settled = stepFunctions.pause(EXECUTIONS_GRACE_MS);
      await emulators.drainBus();
      await settled;
    });

    const triggers = startTriggers(functions.values(), { client: sqsClient, queueUrls, logger });
    stops.push(() => triggers.stop());

    const { bus } = emulators as Partial<Emulators>;
    return { wiring, ...(bus ? { bus } : {}), endpoints, environment, queueUrls, functions, invoke: (arnOrName, payload) => invoke(arnOrName, payload), stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
