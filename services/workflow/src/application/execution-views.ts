/**
 * What people see of the cognitive chain's executions, derived (purely) from what the Step Functions API
 * says about them: an execution's steps with timings and attempts from its history, its status, output or
 * error, and the ticket it is about from its input. The same code reads AWS and the local engine.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { TicketSnapshot } from '@cogdesk/events-schema';
import type { AgentAttempt } from './agent-health';

export const EXECUTION_STATUSES = ['running', 'succeeded', 'failed', 'timed_out', 'aborted', 'pending_redrive'] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];
export type StepStatus = 'succeeded' | 'failed' | 'running';

/** The execution name (the last part of its ARN) is the API's execution id; AWS naming rules, minus punctuation. */
export const EXECUTION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** The parts of DescribeExecution's answer a view needs. */
export interface ExecutionDescription {
  name?: string | undefined;
  status?: string | undefined;
  startDate?: Date | undefined;
  stopDate?: Date | undefined;
  input?: string | undefined;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
}

export interface StepView {
  name: string;
  /** The state's type: Task, Choice, Fail, Pass... */
  type: string;
  status: StepStatus;
  /** Task invocations, retries included (0 for states that invoke nothing). */
  attempts: number;
  /** Invocations that failed or timed out; a step can succeed after failures (Retry). */
  failures: number;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  /** Only on a failed step: the error name and its message. */
  error?: string;
  cause?: string;
}

export interface ExecutionView {
  executionId: string;
  ticketId: string | null;
  status: ExecutionStatusName;
  startedAt: string;
  stoppedAt: string | null;
  durationMs: number | null;
  steps: StepView[];
  /** The final state's output, parsed; only when the execution succeeded. */
  output?: unknown;
  /** Why the execution failed, timed out or was aborted. */
  error?: string;
  cause?: string;
}

export interface ExecutionSummary {
  executionId: string;
  ticketId: string | null;
  status: ExecutionStatusName;
  startedAt: string;
  stoppedAt: string | null;
}

/** One invocation of a Task state's resource, as the history tells it. */
export interface TaskAttempt {
  state: string;
  startedAt: Date;
  endedAt: Date | null;
  outcome: 'succeeded' | 'failed' | 'running';
  error?: string;
  cause?: string;
  /** The resource's result, parsed (for a Lambda: what the function returned). */
  output?: unknown;
}

export interface ExecutionQuery {
  ticketId?: string | undefined;
  status?: ExecutionStatusName | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The port the HTTP API reads and starts executions through (Step Functions in both modes). */
export interface WorkflowExecutions {
  /** Starts the state machine; `name` becomes the execution id. */
  start(request: { name: string; input: unknown }): Promise<{ executionId: string; startedAt: Date }>;
  /** Null when there is no such execution. */
  view(executionId: string): Promise<ExecutionView | null>;
  /** Newest first; `nextCursor` continues where this page (or a bounded scan) stopped. Throws `InvalidCursorError`. */
  list(query: ExecutionQuery): Promise<{ items: ExecutionSummary[]; nextCursor: string | null }>;
  /** The agents' finished attempts in the most recent `count` executions, with how many were read and when the oldest started. */
  recentAgentAttempts(count: number): Promise<{ executions: number; since: Date | null; attempts: AgentAttempt[] }>;
}

/** A `cursor` this API did not hand out (or one too old to use). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** SFN's status (`TIMED_OUT`) as the API spells it (`timed_out`). */
export function statusNameOf(status: string | undefined): ExecutionStatusName {
  const name = (status ?? 'RUNNING').toLowerCase();
  return (EXECUTION_STATUSES as readonly string[]).includes(name) ? (name as ExecutionStatusName) : 'running';
}

/** The API's status name as SFN's `statusFilter`. */
export function sfnStatusOf(status: ExecutionStatusName): string {
  return status.toUpperCase();
}

/** `arn:aws:states:r:a:stateMachine:m` + `name` → `arn:aws:states:r:a:execution:m:name`. */
export function executionArnOf(stateMachineArn: string, executionId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionId}`;
}

export function executionIdOf(executionArn: string): string {
  return executionArn.split(':').at(-1) ?? executionArn;
}

/**
 * The ticket an execution is about, from its input: the EventBridge event the rule delivers (or the trigger
 * imitates) carries the ticket in `detail.data.ticket`; null for any other input.
 */
export function ticketIdOfInput(input: string | undefined): string | null {
  if (!input) return null;
  try {
    const detail = (JSON.parse(input) as { detail?: { subject?: unknown; data?: { ticket?: { id?: unknown } } } }).detail;
    const id = detail?.data?.ticket?.id ?? detail?.subject;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/**
 * The execution input for a manual (re-)triage: shaped like the EventBridge event the rule delivers, since
 * the definition reads `$.detail.data.ticket`, `$.detail.correlationId` and `$.detail.id`.
 */
export function manualTriageInput(request: {
  eventId: string;
  correlationId: string;
  ticket: TicketSnapshot;
  actor: { type: 'user' | 'agent' | 'system'; id: string };
  now: string;
}) {
  const { eventId, correlationId, ticket, actor, now } = request;
  return {
    version: '0',
    id: eventId,
    'detail-type': 'ticket.triage-requested.v1',
    source: 'cogdesk.workflow',
    time: now,
    resources: [],
    detail: {
      id: eventId,
      type: 'ticket.triage-requested',
      version: 1,
      source: 'cogdesk.workflow',
      time: now,
      subject: ticket.id,
      correlationId,
      causationId: null,
      actor,
      data: { ticket, reason: 'manual' },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// History → steps and attempts

const ATTEMPT_STARTS = new Set(['LambdaFunctionScheduled', 'TaskScheduled', 'ActivityScheduled']);
const ATTEMPT_SUCCESSES = new Set(['LambdaFunctionSucceeded', 'TaskSucceeded', 'ActivitySucceeded']);
const ATTEMPT_FAILURES = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionScheduleFailed',
  'LambdaFunctionStartFailed',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'ActivityFailed',
  'ActivityTimedOut',
  'ActivityScheduleFailed',
]);
const EXECUTION_ENDS: Record<string, ExecutionStatusName> = {
  ExecutionSucceeded: 'succeeded',
  ExecutionFailed: 'failed',
  ExecutionAborted: 'aborted',
  ExecutionTimedOut: 'timed_out',
};
// What a step that ended with its execution failed of, when the history names no error.
const DEFAULT_ERRORS: Record<ExecutionStatusName, string> = {
  failed: 'States.Runtime',
  aborted: 'States.Aborted',
  timed_out: 'States.Timeout',
  running: 'States.Runtime',
  succeeded: 'States.Runtime',
  pending_redrive: 'States.Runtime',
};
// States whose children are entered while they are open: a child entering does not end them.
const CONTAINER_TYPES = new Set(['Map', 'Parallel']);

interface StepRecord {
  name: string;
  type: string;
  startedAt: Date;
  endedAt: Date | null;
  attempts: TaskAttempt[];
  failure?: { error?: string; cause?: string };
}

/** Reads a history once: its steps in the order they were entered, each with its attempts. */
function walk(history: readonly HistoryEvent[]) {
  const steps: StepRecord[] = [];
  const open: StepRecord[] = [];

  const close = (step: StepRecord, at: Date) => {
    step.endedAt = at;
    open.splice(open.indexOf(step), 1);
  };
  const current = () => open.at(-1);
  const openAttempt = (step: StepRecord | undefined) => step?.attempts.findLast((attempt) => attempt.outcome === 'running');

  for (const event of history) {
    const type = event.type ?? '';
    const at = event.timestamp ?? new Date(0);
    if (type.endsWith('StateEntered')) {
      const previous = current();
      // Sequential states: when a state is left without an Exited event (AWS after a Catch), the next one ends it.
      if (previous && !CONTAINER_TYPES.has(previous.type)) close(previous, at);
      const step: StepRecord = { name: event.stateEnteredEventDetails?.name ?? '?', type: type.slice(0, -'StateEntered'.length), startedAt: at, endedAt: null, attempts: [] };
      steps.push(step);
      open.push(step);
    } else if (type.endsWith('StateExited')) {
      const name = event.stateExitedEventDetails?.name;
      const step = open.findLast((candidate) => candidate.name === name);
      if (step) close(step, at);
    } else if (ATTEMPT_STARTS.has(type)) {
      const step = current();
      step?.attempts.push({ state: step.name, startedAt: at, endedAt: null, outcome: 'running' });
    } else if (ATTEMPT_SUCCESSES.has(type)) {
      const attempt = openAttempt(current());
      if (attempt) Object.assign(attempt, { endedAt: at, outcome: 'succeeded', output: parseJson(successOutputOf(event)) });
    } else if (ATTEMPT_FAILURES.has(type)) {
      const step = current();
      if (!step) continue;
      // A schedule failure has no Scheduled event before it: it is an attempt of its own.
      const failed: TaskAttempt = { state: step.name, startedAt: at, ...failureOf(event), endedAt: at, outcome: 'failed' };
      const attempt = openAttempt(step);
      if (attempt) Object.assign(attempt, { ...failed, startedAt: attempt.startedAt });
      else step.attempts.push(failed);
    } else if (EXECUTION_ENDS[type]) {
      const status = EXECUTION_ENDS[type];
      const failure = failureOf(event);
      for (const step of [...open]) {
        if (status !== 'succeeded') step.failure = { error: DEFAULT_ERRORS[status], ...failure, ...lastFailure(step) };
        close(step, at);
      }
    }
  }
  return { steps };
}

function lastFailure(step: StepRecord): { error?: string; cause?: string } {
  const last = step.attempts.at(-1);
  return last?.outcome === 'failed' ? { ...(last.error && { error: last.error }), ...(last.cause && { cause: last.cause }) } : {};
}

function stepStatusOf(step: StepRecord): StepStatus {
  if (step.endedAt === null) return 'running';
  if (step.failure) return 'failed';
  // Left after its last attempt failed: the failure was caught and the chain moved on to report it.
  if (step.attempts.at(-1)?.outcome === 'failed') return 'failed';
  return 'succeeded';
}

/** The steps of an execution in the order they were entered, with timings, attempts and errors. */
export function stepsOf(history: readonly HistoryEvent[]): StepView[] {
  return walk(history).steps.map((step): StepView => {
    const status = stepStatusOf(step);
    const failure = status === 'failed' ? { ...step.failure, ...lastFailure(step) } : {};
    const cause = failure.cause === undefined ? undefined : causeMessage(failure.cause);
    return {
      name: step.name,
      type: step.type,
      status,
      attempts: step.attempts.length,
      failures: step.attempts.filter((attempt) => attempt.outcome === 'failed').length,
      startedAt: step.startedAt.toISOString(),
      endedAt: step.endedAt?.toISOString() ?? null,
      durationMs: step.endedAt ? step.endedAt.getTime() - step.startedAt.getTime() : null,
      ...(status === 'failed' && { error: failure.error ?? 'States.Runtime' }),
      ...(status === 'failed' && cause !== undefined && { cause }),
    };
  });
}

/** Every Task attempt in the history, in order. */
export function taskAttemptsOf(history: readonly HistoryEvent[]): TaskAttempt[] {
  return walk(history).steps.flatMap((step) => step.attempts);
}

/** The whole view of one execution. */
export function executionViewOf(description: ExecutionDescription, history: readonly HistoryEvent[]): ExecutionView {
  const status = statusNameOf(description.status);
  const startedAt = description.startDate ?? history[0]?.timestamp ?? new Date(0);
  const stoppedAt = description.stopDate ?? null;
  const failed = status === 'failed' || status === 'timed_out' || status === 'aborted';
  return {
    executionId: description.name ?? '',
    ticketId: ticketIdOfInput(description.input),
    status,
    startedAt: startedAt.toISOString(),
    stoppedAt: stoppedAt?.toISOString() ?? null,
    durationMs: stoppedAt ? stoppedAt.getTime() - startedAt.getTime() : null,
    steps: stepsOf(history),
    ...(status === 'succeeded' && { output: parseJson(description.output) ?? null }),
    ...(failed && description.error !== undefined && { error: description.error }),
    ...(failed && description.cause !== undefined && { cause: causeMessage(description.cause) }),
  };
}

/**
 * A Lambda failure's Cause is the runtime's JSON (`{"errorType","errorMessage","trace"}`): people want the
 * message, and the stack trace is not for API clients. Any other cause is returned as it is, shortened.
 */
export function causeMessage(cause: string): string {
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage.slice(0, 2000);
  } catch {
    // Not JSON: the cause is the message.
  }
  return cause.slice(0, 2000);
}

function successOutputOf(event: HistoryEvent): string | undefined {
  return (
    event.lambdaFunctionSucceededEventDetails?.output ??
    event.taskSucceededEventDetails?.output ??
    event.activitySucceededEventDetails?.output
  );
}

function failureOf(event: HistoryEvent): { error?: string; cause?: string } {
  const details =
    event.lambdaFunctionFailedEventDetails ??
    event.lambdaFunctionTimedOutEventDetails ??
    event.lambdaFunctionScheduleFailedEventDetails ??
    event.lambdaFunctionStartFailedEventDetails ??
    event.taskFailedEventDetails ??
    event.taskTimedOutEventDetails ??
    event.taskStartFailedEventDetails ??
    event.taskSubmitFailedEventDetails ??
    event.activityFailedEventDetails ??
    event.activityTimedOutEventDetails ??
    event.activityScheduleFailedEventDetails ??
    event.executionFailedEventDetails ??
    event.executionAbortedEventDetails ??
    event.executionTimedOutEventDetails;
  return { ...(details?.error !== undefined && { error: details.error }), ...(details?.cause !== undefined && { cause: details.cause }) };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
