import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FunctionConfig {
  functionName: string;
  timeoutMs: number;
  region: string;
  accountId: string;
}

export type InvocationOutcome =
  | { kind: 'resolved'; response: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timedOut'; timeoutMs: number };

/**
 * Invokes a handler the way Lambda does: a fresh context per invocation and a timeout after which the
 * invocation has failed. A JS promise cannot be cancelled, so a timed-out handler keeps running in the
 * background; its eventual result is ignored (Lambda would have frozen or killed the sandbox).
 */
export async function invokeWithTimeout<TEvent>(
  handler: (event: TEvent, context: Context) => Promise<unknown>,
  event: TEvent,
  config: FunctionConfig,
): Promise<InvocationOutcome> {
  const context = createLambdaContext(config, Date.now() + config.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<InvocationOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timedOut', timeoutMs: config.timeoutMs }), config.timeoutMs);
  });
  // Calling through then() turns a synchronous throw into a rejection.
  const settled = Promise.resolve()
    .then(() => handler(event, context))
    .then<InvocationOutcome, InvocationOutcome>(
      (response) => ({ kind: 'resolved', response }),
      (error: unknown) => ({ kind: 'threw', error }),
    );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function createLambdaContext(config: FunctionConfig, deadline: number): Context {
  const { functionName, region, accountId } = config;
  const unsupported = (name: string) => (): never => {
    throw new Error(`context.${name}() is not supported by the local runner; return a promise instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
