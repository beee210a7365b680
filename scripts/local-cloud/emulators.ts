/**
 * The managed services the functions talk to over their APIs: SQS/SNS (fauxqs), DynamoDB (dynalite) and
 * EventBridge, provisioned from the wiring (queues, tables, topics, rules), with the queues' unacknowledged
 * messages kept across restarts. Rules deliver to queues here; Step Functions and Lambda targets run where
 * the functions are, so the caller delivers those (`deliverElsewhere`).
 *
 * `npm start` runs this in a process of its own (emulators-process/), so PutEvents and queue calls are
 * answered at once however busy the functions are, as AWS's services would; tests run it in-process.
 */
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { provisionTables, startLocalDynamoDb } from './dynamodb';
import { LocalEventBus, sqsTarget, type EventTarget } from './eventbridge/bus';
import { startLocalEventBridge } from './eventbridge/server';
import { PortBook } from './ports';
import { inProcessBatchSender, provisionQueues, restoreQueueSnapshot, saveQueueSnapshot, startLocalSqs } from './sqs-queues';
import { StopStack } from './stop-stack';
import { loadWiring, type LocalWiring, type QueueSpec, type RuleTargetSpec } from './wiring/wiring';

export const REGION = 'us-east-1';

/**
 * SDK client settings for the local cloud's own calls to its emulators (the bus delivering to queues, the
 * queue pollers, Step Functions' PutEvents): they check no signature, and SigV4 signing was about a tenth
 * of the emulators process's CPU under a create burst. Service code keeps its ordinary, signed clients.
 */
export const emulatorClientConfig = (endpoint: string) => ({ endpoint, region: REGION, signer: { sign: <R>(request: R): Promise<R> => Promise.resolve(request) } });
/**
 * The SQS client for those calls. It also skips the MD5 check of every message body sent and received:
 * that guards against corruption on the way, which loopback to fauxqs does not suffer, and the hashing was
 * about a twentieth of the emulators process's CPU under a create burst.
 */
export const emulatorSqsClient = (endpoint: string): SQSClient => new SQSClient({ ...emulatorClientConfig(endpoint), md5: false });
export const ACCOUNT_ID = '000000000000';

type Logger = Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;

export interface EmulatorsOptions {
  dataDir: string;
  /** Directories with a serverless.yml, platform first. */
  serviceDirs: string[];
  stage: string;
  /**
   * Delivers events (already shaped by the target's Input or InputPath) to a Step Functions or Lambda
   * target; a rejection has the bus retry them.
   */
  deliverElsewhere: (target: RuleTargetSpec, events: string[]) => Promise<void>;
  logger?: Logger;
}

export type EmulatorEndpoints = Record<'sqs' | 'dynamodb' | 'eventbridge', string>;

export interface Emulators {
  wiring: LocalWiring;
  endpoints: EmulatorEndpoints;
  /** Queue URL by queue ARN. */
  queueUrls: Map<string, string>;
  bus: LocalEventBus;
  /** Resolves once every delivery the bus had started has succeeded or been given up. */
  drainBus(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulators(options: EmulatorsOptions): Promise<Emulators> {
  const logger = options.logger ?? console;
  const stops = new StopStack(logger);
  try {
    const ports = await PortBook.open(options.dataDir);
    const sqs = await ports.start('sqs', (port) => startLocalSqs({ region: REGION, port }));
    stops.push(() => sqs.server.stop());
    // Runs after everything that can still enqueue (the bus) has stopped, so the snapshot holds exactly
    // the unacknowledged work; and only once this run restored the last snapshot.
    const snapshotFile = path.join(options.dataDir, 'sqs-snapshot.json');
    const snapshotQueues: QueueSpec[] = [];
    stops.push(async () => {
      if (snapshotQueues.length > 0) await saveQueueSnapshot(sqs.server, snapshotQueues, snapshotFile);
    });
    const dynamodb = await ports.start('dynamodb', (port) => startLocalDynamoDb({ dataDir: path.join(options.dataDir, 'dynamodb'), port }));
    stops.push(() => dynamodb.stop());

    const wiring = await loadWiring({ serviceDirs: options.serviceDirs, stage: options.stage, region: REGION, accountId: ACCOUNT_ID, queueUrlBase: sqs.queueUrlBase });
    const sqsClient = emulatorSqsClient(sqs.endpoint);
    const queueUrls = await provisionQueues(sqsClient, wiring.queues);
    await provisionTables(new DynamoDBClient({ endpoint: dynamodb.endpoint, region: REGION }), wiring.tables);
    const snsClient = new SNSClient({ endpoint: sqs.endpoint, region: REGION });
    for (const topic of wiring.topics) await snsClient.send(new CreateTopicCommand({ Name: topic.name }));

    const bus = new LocalEventBus({ buses: wiring.buses, region: REGION, accountId: ACCOUNT_ID, logger });
    const queueSender = inProcessBatchSender(sqs.server);
    const eventBridge = await ports.start('eventbridge', (port) => startLocalEventBridge({ bus, port }));
    stops.push(async () => {
      await eventBridge.stop();
      await bus.drain();
    });
    const targetFor = (target: RuleTargetSpec): EventTarget => {
      const transform = inputTransform(target);
      const [, , service] = target.arn.split(':');
      if (service === 'sqs') {
        const url = queueUrls.get(target.arn);
        if (!url) throw new Error(`rule target ${target.arn} is not a declared queue`);
        const toQueue = sqsTarget(queueSender, url);
        return { id: target.id, deliver: (events) => toQueue.deliver(events.map(transform)) };
      }
      if (service === 'states' || service === 'lambda') return { id: target.id, deliver: (events) => options.deliverElsewhere(target, events.map(transform)) };
      throw new Error(`rule target ${target.arn}: only SQS, Step Functions and Lambda targets run locally`);
    };
    for (const rule of wiring.rules) {
      if (rule.enabled) bus.addRule({ name: rule.name, eventBusName: rule.eventBusName, pattern: rule.pattern, targets: rule.targets.map(targetFor) });
    }

    const restored = await restoreQueueSnapshot(sqsClient, new Map(wiring.queues.map((q) => [q.name, queueUrls.get(q.arn)!])), snapshotFile);
    if (restored > 0) logger.info(`local cloud: restored ${restored} queued messages`);
    snapshotQueues.push(...wiring.queues);

    return {
      wiring,
      endpoints: { sqs: sqs.endpoint, dynamodb: dynamodb.endpoint, eventbridge: eventBridge.endpoint },
      queueUrls,
      bus,
      drainBus: () => bus.drain(),
      stop: () => stops.stopAll(),
    };
  } catch (error) {
    await stops.stopAll();
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
