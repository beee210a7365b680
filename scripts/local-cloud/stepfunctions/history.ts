import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { TaskInfo, TaskResource } from './definition';
import type { ExecutionEventLog, JsonValue, StateType } from './library-types';
import type { TaskAttempt } from './task-handlers';

/** A history event before the execution numbers it. */
export type NewHistoryEvent = Omit<HistoryEvent, 'id' | 'previousEventId' | 'type' | 'timestamp'> & {
  type: HistoryEventType;
  timestamp: Date;
};

export interface HistoryTranslatorOptions {
  tasks: ReadonlyMap<string, TaskInfo>;
  region: string;
  emit: (event: NewHistoryEvent) => void;
}

const ENTERED: Record<StateType, HistoryEventType> = {
  Task: 'TaskStateEntered',
  Parallel: 'ParallelStateEntered',
  Map: 'MapStateEntered',
  Pass: 'PassStateEntered',
  Wait: 'WaitStateEntered',
  Choice: 'ChoiceStateEntered',
  Succeed: 'SucceedStateEntered',
  Fail: 'FailStateEntered',
};

const EXITED: Record<StateType, HistoryEventType | undefined> = {
  Task: 'TaskStateExited',
  Parallel: 'ParallelStateExited',
  Map: 'MapStateExited',
  Pass: 'PassStateExited',
  Wait: 'WaitStateExited',
  Choice: 'ChoiceStateExited',
  Succeed: 'SucceedStateExited',
  Fail: undefined,
};

const INCLUDED = { truncated: false };
const json = (value: JsonValue | undefined): string => JSON.stringify(value ?? null);

/** The first event of every history; the engine writes it as a run begins (see `translate`). */
export const executionStartedEvent = (timestamp: Date, input: string, roleArn: string): NewHistoryEvent => ({
  type: 'ExecutionStarted',
  timestamp,
  executionStartedEventDetails: { input, inputDetails: INCLUDED, roleArn },
});
const text = (cause: unknown): string => (typeof cause === 'string' ? cause : JSON.stringify(cause));

/**
 * Turns the library's event log into AWS-shaped history. The library logs state transitions but not task
 * attempts, so the task handlers record attempts here, and each one is written out when the library logs how
 * that attempt ended (StateFailed or StateExited). The handler runs before the log reader catches up, hence the
 * per-state queue. Limitation: concurrent Map iterations of one Task state may swap their attempt details.
 */
export class HistoryTranslator {
  /** Set before aborting, for the ExecutionAborted event. */
  stopDetails: { error?: string; cause?: string } = {};
  private readonly attempts = new Map<string, TaskAttempt[]>();
  private readonly caught = new Set<string>();

  constructor(private readonly options: HistoryTranslatorOptions) {}

  startAttempt(stateName: string, input: JsonValue): TaskAttempt {
    const attempt: TaskAttempt = { stateName, input, scheduledAt: new Date() };
    const queue = this.attempts.get(stateName) ?? [];
    queue.push(attempt);
    this.attempts.set(stateName, queue);
    return attempt;
  }

  translate(event: ExecutionEventLog): void {
    const { emit } = this.options;
    const timestamp = new Date(event.timestamp);
    switch (event.type) {
      case 'ExecutionStarted':
        // The engine writes it as the run begins, before the library calls the first task: a restart
        // must know an execution had started even if it stopped before this event came through.
        return;
      case 'ExecutionSucceeded':
        emit({
          type: 'ExecutionSucceeded',
          timestamp,
          executionSucceededEventDetails: { output: json(event.output), outputDetails: INCLUDED },
        });
        return;
      case 'ExecutionFailed':
        emit({ type: 'ExecutionFailed', timestamp, executionFailedEventDetails: { error: event.Error, cause: text(event.Cause) } });
        return;
      case 'ExecutionAborted':
        emit({ type: 'ExecutionAborted', timestamp, executionAbortedEventDetails: this.stopDetails });
        return;
      case 'ExecutionTimeout':
        emit({ type: 'ExecutionTimedOut', timestamp, executionTimedOutEventDetails: { error: 'States.Timeout' } });
        return;
      case 'StateEntered':
        emit({
          type: ENTERED[event.state.type],
          timestamp,
          stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input), inputDetails: INCLUDED },
        });
        return;
      case 'StateExited': {
        const { name, type, output } = event.state;
        // After a Catch the failed attempt was already written when the state failed.
        if (type === 'Task' && !this.caught.delete(name)) this.emitAttempt(name);
        const exited = EXITED[type];
        if (exited) emit({ type: exited, timestamp, stateExitedEventDetails: { name, output: json(output), outputDetails: INCLUDED } });
        return;
      }
      case 'StateFailed':
        if (event.state.type === 'Task') {
          this.emitAttempt(event.state.name, { error: event.Error, cause: text(event.Cause), at: timestamp });
        }
        if (event.state.type === 'Map') emit({ type: 'MapStateFailed', timestamp });
        if (event.state.type === 'Parallel') emit({ type: 'ParallelStateFailed', timestamp });
        return;
      case 'StateCaught':
        if (event.state.type === 'Task') this.caught.add(event.state.name);
        return;
      case 'MapIterationStarted':
        emit({ type: event.type, timestamp, mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } });
        return;
      case 'MapIterationSucceeded':
        emit({ type: event.type, timestamp, mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } });
        return;
      case 'MapIterationFailed':
        emit({ type: event.type, timestamp, mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } });
        return;
      // AWS records a retry only as the next attempt's events, and has no per-branch Parallel events.
      case 'StateRetried':
      case 'ParallelBranchStarted':
      case 'ParallelBranchSucceeded':
      case 'ParallelBranchFailed':
        return;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }

  /** Writes the oldest pending attempt of a Task state; `failure` is how the library saw that attempt end. */
  private emitAttempt(stateName: string, failure?: AttemptFailure): void {
    const attempt = this.attempts.get(stateName)?.shift();
    const task = this.options.tasks.get(stateName);
    // No attempt: the state failed before its resource ran (e.g. a Parameters path matched nothing).
    if (!attempt || !task) return;
    const ending: AttemptEnding | undefined =
      attempt.outcome?.ok === true
        ? { kind: 'succeeded', output: attempt.outcome.output, at: attempt.outcome.at }
        : attempt.outcome
          ? { kind: 'failed', ...attempt.outcome }
          : // No outcome yet: the library stopped waiting for it (States.Timeout).
            failure && { kind: 'timedOut', ...failure };
    const events =
      task.resource.kind === 'lambdaFunction'
        ? lambdaFunctionEvents(task.resource.functionArn, task, attempt, ending)
        : serviceTaskEvents(task.resource, this.options.region, task, attempt, ending);
    for (const event of events) this.options.emit(event);
  }
}

interface AttemptFailure {
  error: string;
  cause: string;
  at: Date;
}

type AttemptEnding = { kind: 'succeeded'; output: JsonValue; at: Date } | ({ kind: 'failed' | 'timedOut' } & AttemptFailure);

const timeoutOf = (task: TaskInfo) => (task.timeoutSeconds === undefined ? {} : { timeoutInSeconds: task.timeoutSeconds });

// A Task whose Resource is a plain function ARN: AWS writes LambdaFunction* events.
function lambdaFunctionEvents(functionArn: string, task: TaskInfo, attempt: TaskAttempt, ending?: AttemptEnding): NewHistoryEvent[] {
  const events: NewHistoryEvent[] = [
    {
      type: 'LambdaFunctionScheduled',
      timestamp: attempt.scheduledAt,
      lambdaFunctionScheduledEventDetails: {
        resource: functionArn,
        input: json(attempt.input),
        inputDetails: INCLUDED,
        ...timeoutOf(task),
      },
    },
    { type: 'LambdaFunctionStarted', timestamp: attempt.scheduledAt },
  ];
  switch (ending?.kind) {
    case 'succeeded':
      events.push({
        type: 'LambdaFunctionSucceeded',
        timestamp: ending.at,
        lambdaFunctionSucceededEventDetails: { output: json(ending.output), outputDetails: INCLUDED },
      });
      break;
    case 'failed':
      events.push({
        type: 'LambdaFunctionFailed',
        timestamp: ending.at,
        lambdaFunctionFailedEventDetails: { error: ending.error, cause: ending.cause },
      });
      break;
    case 'timedOut':
      events.push({
        type: 'LambdaFunctionTimedOut',
        timestamp: ending.at,
        lambdaFunctionTimedOutEventDetails: { error: ending.error, cause: ending.cause },
      });
      break;
    case undefined:
      break;
  }
  return events;
}

// An optimized service integration (lambda:invoke, events:putEvents): AWS writes Task* events.
function serviceTaskEvents(
  resource: Extract<TaskResource, { resourceType: string }>,
  region: string,
  task: TaskInfo,
  attempt: TaskAttempt,
  ending?: AttemptEnding,
): NewHistoryEvent[] {
  const names = { resourceType: resource.resourceType, resource: resource.resource };
  const events: NewHistoryEvent[] = [
    {
      type: 'TaskScheduled',
      timestamp: attempt.scheduledAt,
      taskScheduledEventDetails: { ...names, region, parameters: json(attempt.input), ...timeoutOf(task) },
    },
    { type: 'TaskStarted', timestamp: attempt.scheduledAt, taskStartedEventDetails: names },
  ];
  switch (ending?.kind) {
    case 'succeeded':
      events.push({
        type: 'TaskSucceeded',
        timestamp: ending.at,
        taskSucceededEventDetails: { ...names, output: json(ending.output), outputDetails: INCLUDED },
      });
      break;
    case 'failed':
      events.push({
        type: 'TaskFailed',
        timestamp: ending.at,
        taskFailedEventDetails: { ...names, error: ending.error, cause: ending.cause },
      });
      break;
    case 'timedOut':
      events.push({
        type: 'TaskTimedOut',
        timestamp: ending.at,
        taskTimedOutEventDetails: { ...names, error: ending.error, cause: ending.cause },
      });
      break;
    case undefined:
      break;
  }
  return events;
}
