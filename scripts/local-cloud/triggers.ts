/**
 * Runs the triggers serverless.yml gives a set of functions, as Lambda's event source mappings and
 * EventBridge schedules would: an SQS poller per `sqs` event and a timer per enabled `schedule` event.
 * HTTP events are the gateway's business.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { lambdaContext, type LoadedFunction } from './functions';
import { startSqsEventSource, type SqsEventSource } from './sqs/event-source-poller';
import { startSchedule } from './sqs/scheduler';

export interface RunningTriggers {
  /** Stops polling and scheduling, and waits for the batches and runs in flight. */
  stop(): Promise<void>;
}

export interface TriggerContext {
  client: SQSClient;
  /** Queue URL by queue ARN, for every queue a trigger names. */
  queueUrls: ReadonlyMap<string, string>;
  logger: Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
}

export function startTriggers(functions: Iterable<LoadedFunction>, { client, queueUrls, logger }: TriggerContext): RunningTriggers {
  const running: { stop(): Promise<void> }[] = [];
  for (const fn of functions) {
    for (const trigger of fn.spec.triggers) {
      if (trigger.kind === 'sqs') {
        const queueUrl = queueUrls.get(trigger.queueArn);
        if (!queueUrl) throw new Error(`${fn.spec.name}: sqs event names undeclared queue ${trigger.queueArn}`);
        const source: SqsEventSource = startSqsEventSource({
          client,
          queueUrl,
          queueArn: trigger.queueArn,
          functionName: fn.spec.name,
          timeoutSeconds: fn.spec.timeoutSeconds,
          handler: (event, context) => fn.handler(event, context) as Promise<never>,
          batchSize: trigger.batchSize,
          maximumBatchingWindowSeconds: trigger.maximumBatchingWindowSeconds,
          concurrency: trigger.maximumConcurrency,
          ...(trigger.reportBatchItemFailures ? { functionResponseType: 'ReportBatchItemFailures' as const } : {}),
          logger,
        });
        running.push(source);
      } else if (trigger.kind === 'schedule' && trigger.enabled) {
        running.push(startSchedule({ expression: trigger.expression, handler: (event) => fn.handler(event, lambdaContext(fn.spec)), logger }));
      }
    }
  }
  return { stop: async () => void (await Promise.all(running.map((trigger) => trigger.stop()))) };
}
