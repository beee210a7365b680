import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { judgeBatch } from './batch-outcome';
import { invokeWithTimeout, type FunctionConfig } from './lambda-invocation';
import type { Logger } from './logger';
import { toSqsRecord } from './sqs-record';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsEventSourceOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  /** Records per invocation, 1–10000; more than 10 needs a batching window, as in Lambda. */
  batchSize?: number;
  /** How long to keep gathering records after the first one arrives (0–300 s). */
  maximumBatchingWindowSeconds?: number;
  functionResponseType?: 'ReportBatchItemFailures';
  /** Parallel pollers, each running one invocation at a time: the most concurrent invocations. */
  concurrency?: number;
  /** Long-poll wait per ReceiveMessage (0–20 s); stop() may wait this long for an open poll. */
  waitTimeSeconds?: number;
  /** Defaults to the queue's name. */
  functionName?: string;
  /** The function's timeout (serverless.yml `timeout`); the Serverless Framework's default is 6 s. */
  timeoutSeconds?: number;
  logger?: Logger;
}

/** Message counts, except `invocations`. `failed` counts every failed delivery, so a retried message counts once per failure. */
export interface SqsEventSourceStats {
  received: number;
  succeeded: number;
  failed: number;
  invocations: number;
  /** Received and not yet settled (deleted or left for redelivery). */
  inFlight: number;
}

export interface SqsEventSource {
  /** Stops receiving, then resolves once every received message is settled (handler done, deletes sent). */
  stop(): Promise<void>;
  stats(): SqsEventSourceStats;
}

export class InvalidEventSourceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventSourceConfigError';
  }
}

const RECEIVE_LIMIT = 10; // SQS's MaxNumberOfMessages and DeleteMessageBatch limit
const SHORT_POLL_PAUSE_MS = 100;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * Runs a handler against an SQS queue the way Lambda's SQS event-source mapping does: long polling,
 * batching (window included), partial batch failures, and nothing deleted unless it succeeded, so the
 * queue's visibility timeout and RedrivePolicy handle retries and the DLQ.
 *
 * @example
 * const source = startSqsEventSource({ client, queueUrl, queueArn, handler, functionResponseType: 'ReportBatchItemFailures' });
 * await source.stop();
 */
export function startSqsEventSource(options: SqsEventSourceOptions): SqsEventSource {
  const { client, queueUrl, queueArn, handler, logger = console } = options;
  const batchSize = options.batchSize ?? 10;
  const windowMs = (options.maximumBatchingWindowSeconds ?? 0) * 1000;
  const concurrency = options.concurrency ?? 1;
  const waitTimeSeconds = options.waitTimeSeconds ?? 1;
  const timeoutSeconds = options.timeoutSeconds ?? 6;
  const reportBatchItemFailures = options.functionResponseType === 'ReportBatchItemFailures';
  validate({ batchSize, windowMs, concurrency, waitTimeSeconds, timeoutSeconds });

  const [, , , region = '', accountId = '', queueName = ''] = queueArn.split(':');
  const fn: FunctionConfig = {
    functionName: options.functionName ?? queueName,
    timeoutMs: timeoutSeconds * 1000,
    region,
    accountId,
  };
  const tag = `[sqs ${fn.functionName}]`;
  const counts: SqsEventSourceStats = { received: 0, succeeded: 0, failed: 0, invocations: 0, inFlight: 0 };
  const stopping = new AbortController();
  // Only pauses are cut short by stop(); an open long poll is left to finish so that the messages it
  // returns are processed instead of sitting invisible (and one receive closer to the DLQ).
  const pause = (ms: number): Promise<void> => sleep(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  async function receive(maxMessages: number, waitSeconds: number): Promise<Message[]> {
    const output = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitSeconds,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = output.Messages ?? [];
    counts.received += messages.length;
    counts.inFlight += messages.length;
    return messages;
  }

  // Receives until the batch is full or the window (opened by the first message) closes. A receive error
  // ends the batch early; what was already received is still invoked rather than left to time out.
  async function gatherBatch(): Promise<{ messages: Message[]; error?: unknown }> {
    const messages: Message[] = [];
    let deadline: number | undefined;
    while (!stopping.signal.aborted && messages.length < batchSize) {
      const remainingMs = deadline === undefined ? Infinity : deadline - Date.now();
      if (remainingMs <= 0) break;
      // WaitTimeSeconds is whole seconds: the last sub-second of a window is short-polled.
      const waitSeconds = Math.min(waitTimeSeconds, Math.floor(remainingMs / 1000));
      let received: Message[];
      try {
        received = await receive(Math.min(RECEIVE_LIMIT, batchSize - messages.length), waitSeconds);
      } catch (error) {
        return { messages, error };
      }
      messages.push(...received);
      if (messages.length > 0) deadline ??= Date.now() + windowMs;
      if (received.length === 0 && waitSeconds === 0) await pause(Math.min(remainingMs, SHORT_POLL_PAUSE_MS));
    }
    return { messages };
  }

  async function processBatch(messages: Message[]): Promise<void> {
    try {
      const records = messages.map((message) => toSqsRecord(message, queueArn, region));
      counts.invocations += 1;
      const outcome = await invokeWithTimeout(handler, { Records: records }, fn);
      const verdict = judgeBatch(outcome, records.map((record) => record.messageId), reportBatchItemFailures);
      const succeeded = records.filter((record) => !verdict.retry.has(record.messageId));
      if (verdict.reason !== undefined) {
        logger.warn(`${tag} batch of ${records.length} failed, leaving it for redelivery: ${verdict.reason}`);
      } else if (verdict.retry.size > 0) {
        logger.warn(`${tag} ${verdict.retry.size} of ${records.length} records failed: ${[...verdict.retry].join(', ')}`);
      } else {
        logger.debug(`${tag} processed ${records.length} records`);
      }
      await deleteMessages(succeeded);
      counts.succeeded += succeeded.length;
      counts.failed += records.length - succeeded.length;
    } catch (error) {
      counts.failed += messages.length;
      logger.error(`${tag} could not invoke a batch of ${messages.length}; it will be redelivered`, error);
    } finally {
      counts.inFlight -= messages.length;
    }
  }

  // A failed delete only means redelivery (at-least-once), so it is logged rather than retried.
  async function deleteMessages(records: SQSRecord[]): Promise<void> {
    const chunks: SQSRecord[][] = [];
    for (let i = 0; i < records.length; i += RECEIVE_LIMIT) chunks.push(records.slice(i, i + RECEIVE_LIMIT));
    await Promise.all(
      chunks.map(async (chunk) => {
        try {
          const output = await client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map((record, i) => ({ Id: String(i), ReceiptHandle: record.receiptHandle })),
            }),
          );
          for (const failure of output.Failed ?? []) {
            const messageId = chunk[Number(failure.Id)]?.messageId;
            logger.warn(`${tag} could not delete ${messageId}; it will be redelivered: ${failure.Code} ${failure.Message}`);
          }
        } catch (error) {
          logger.error(`${tag} DeleteMessageBatch failed; ${chunk.length} processed messages will be redelivered`, error);
        }
      }),
    );
  }

  async function pollLoop(): Promise<void> {
    let consecutiveErrors = 0;
    while (!stopping.signal.aborted) {
      const { messages, error } = await gatherBatch();
      if (messages.length > 0) await processBatch(messages);
      if (error === undefined) {
        consecutiveErrors = 0;
        continue;
      }
      consecutiveErrors += 1;
      const backoffMs = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (consecutiveErrors - 1));
      logger.error(`${tag} ReceiveMessage failed (${consecutiveErrors} in a row), retrying in ${backoffMs} ms`, error);
      await pause(backoffMs);
    }
  }

  logger.info(
    `${tag} polling ${queueUrl} (batchSize ${batchSize}, window ${windowMs / 1000} s, concurrency ${concurrency}` +
      `${reportBatchItemFailures ? ', ReportBatchItemFailures' : ''})`,
  );
  const loops = Array.from({ length: concurrency }, () => pollLoop());
  let stopped: Promise<void> | undefined;

  return {
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        await Promise.all(loops);
        logger.info(`${tag} stopped`, { ...counts });
      })();
      return stopped;
    },
    stats: () => ({ ...counts }),
  };
}

// The limits CreateEventSourceMapping enforces, so local config that AWS would reject fails here too.
function validate(config: {
  batchSize: number;
  windowMs: number;
  concurrency: number;
  waitTimeSeconds: number;
  timeoutSeconds: number;
}): void {
  const { batchSize, windowMs, concurrency, waitTimeSeconds, timeoutSeconds } = config;
  const problems = [
    !(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10_000) && 'batchSize must be an integer from 1 to 10000',
    !(windowMs >= 0 && windowMs <= 300_000) && 'maximumBatchingWindowSeconds must be from 0 to 300',
    batchSize > RECEIVE_LIMIT && windowMs < 1000 && 'a batchSize above 10 needs maximumBatchingWindowSeconds of at least 1',
    !(Number.isInteger(concurrency) && concurrency >= 1) && 'concurrency must be a positive integer',
    !(Number.isInteger(waitTimeSeconds) && waitTimeSeconds >= 0 && waitTimeSeconds <= 20) &&
      'waitTimeSeconds must be an integer from 0 to 20',
    !(timeoutSeconds > 0) && 'timeoutSeconds must be positive',
  ].filter((problem) => typeof problem === 'string');
  if (problems.length > 0) throw new InvalidEventSourceConfigError(problems.join('; '));
}
