import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { TaskInfo, TaskResource } from './definition';
import type { JsonValue, TaskLocalHandlers } from './library-types';

/** Invokes a Lambda function by ARN or name with a JSON payload; a throw is the function's error. */
export type LambdaInvoker = (functionArnOrName: string, payload: unknown) => Promise<unknown>;

export interface PutEventsResult {
  Entries?: PutEventsResultEntry[];
  FailedEntryCount?: number;
}

/** EventBridge PutEvents (the SDK client's `send(new PutEventsCommand({ Entries }))` fits). */
export type PutEventsPort = (entries: PutEventsRequestEntry[]) => Promise<PutEventsResult>;

export interface TaskPorts {
  lambdaInvoker: LambdaInvoker;
  putEvents: PutEventsPort;
}

/** One attempt of a Task state; the execution history is written from these. */
export interface TaskAttempt {
  readonly stateName: string;
  readonly input: JsonValue;
  readonly scheduledAt: Date;
  outcome?: { ok: true; output: JsonValue; at: Date } | { ok: false; error: string; cause: string; at: Date };
}

export interface TaskExecutionContext {
  executionArn: string;
  stateMachineArn: string;
  isStopped: () => boolean;
  startAttempt: (stateName: string, input: JsonValue) => TaskAttempt;
}

/** A task failure as Step Functions reports it: `name` is the Error that Retry/Catch match, `message` the Cause. */
export class TaskFailedError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** Refuses task work once an execution is stopped: after an abort the library still retries, AWS would not. */
export class ExecutionStoppedError extends Error {
  override name = 'ExecutionStoppedError';
  // Read by the library: neither Retry nor Catch may handle it.
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** The library's per-state local handlers, one for every Task state, running its resource through the ports. */
export function taskHandlers(tasks: ReadonlyMap<string, TaskInfo>, ports: TaskPorts, execution: TaskExecutionContext): TaskLocalHandlers {
  const handlers: TaskLocalHandlers = {};
  for (const [stateName, task] of tasks) {
    handlers[stateName] = async (input) => {
      if (execution.isStopped()) throw new ExecutionStoppedError('execution stopped');
      const attempt = execution.startAttempt(stateName, input);
      try {
        const output = await runResource(task.resource, input, ports, execution);
        attempt.outcome = { ok: true, output, at: new Date() };
        return output;
      } catch (error) {
        const failure = asTaskFailure(error);
        attempt.outcome = { ok: false, error: failure.name, cause: failure.message, at: new Date() };
        throw failure;
      }
    };
  }
  return handlers;
}

async function runResource(
  resource: TaskResource,
  input: JsonValue,
  ports: TaskPorts,
  execution: TaskExecutionContext,
): Promise<JsonValue> {
  switch (resource.kind) {
    case 'lambdaFunction':
      return asJson(await ports.lambdaInvoker(resource.functionArn, input));
    case 'lambdaInvoke': {
      const { FunctionName, Payload } = input as { FunctionName?: unknown; Payload?: JsonValue };
      if (typeof FunctionName !== 'string') throw new TaskFailedError('States.Runtime', 'Parameters.FunctionName must be a string');
      const payload = asJson(await ports.lambdaInvoker(FunctionName, Payload ?? {}));
      // The optimized integration wraps the function's result like Lambda's Invoke API response.
      return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
    }
    case 'putEvents':
      return putEvents(input, ports.putEvents, execution);
  }
}

async function putEvents(input: JsonValue, port: PutEventsPort, execution: TaskExecutionContext): Promise<JsonValue> {
  const { Entries } = input as { Entries?: unknown };
  if (!Array.isArray(Entries)) throw new TaskFailedError('States.Runtime', 'Parameters.Entries must be an array');
  const entries = (Entries as Record<string, unknown>[]).map((entry): PutEventsRequestEntry => ({
    ...entry,
    // The integration takes Detail as JSON and sends it as the string PutEvents expects.
    ...(entry.Detail !== undefined && { Detail: typeof entry.Detail === 'string' ? entry.Detail : JSON.stringify(entry.Detail) }),
    // As in AWS, the execution and state machine ARNs are appended to every entry's Resources.
    Resources: [...((entry.Resources as string[] | undefined) ?? []), execution.executionArn, execution.stateMachineArn],
  }));
  let result: PutEventsResult;
  try {
    result = await port(entries);
  } catch (error) {
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    throw new TaskFailedError(`EventBridge.${name}`, message);
  }
  const output = { Entries: result.Entries ?? [], FailedEntryCount: result.FailedEntryCount ?? 0 };
  if (output.FailedEntryCount > 0) throw new TaskFailedError('EventBridge.FailedEntry', JSON.stringify(output));
  return asJson(output);
}

function asTaskFailure(error: unknown): TaskFailedError {
  if (error instanceof TaskFailedError) return error;
  const thrown = error instanceof Error ? error : new Error(String(error));
  // AWS puts the Lambda runtime's error response, as a JSON string, in the Cause of a function error.
  const cause = JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: thrown.stack?.split('\n') ?? [] });
  return new TaskFailedError(thrown.name, cause);
}

// A Lambda result crosses the wire as JSON: Dates become strings, undefined fields disappear.
function asJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}
