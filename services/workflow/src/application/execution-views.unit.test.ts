import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import {
  causeMessage,
  executionArnOf,
  executionIdOf,
  executionViewOf,
  manualTriageInput,
  statusNameOf,
  stepsOf,
  taskAttemptsOf,
  ticketIdOfInput,
} from './execution-views';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const lambdaError = (name: string, message: string) =>
  JSON.stringify({ errorType: name, errorMessage: message, trace: [`${name}: ${message}`, '    at handler (/var/task/index.js:1:1)'] });

/** Writes an AWS-shaped history: each call appends one event `ms` milliseconds after the execution started. */
function historyOf(build: (h: ReturnType<typeof builder>) => void): HistoryEvent[] {
  const h = builder();
  build(h);
  return h.events;
}

function builder() {
  const events: HistoryEvent[] = [];
  const add = (ms: number, type: string, details: Partial<HistoryEvent> = {}) =>
    events.push({ id: events.length + 1, previousEventId: events.length, timestamp: new Date(T0 + ms), type: type as HistoryEvent['type'], ...details });
  return {
    events,
    started: (ms = 0) => add(ms, 'ExecutionStarted', { executionStartedEventDetails: { input: '{}' } }),
    entered: (ms: number, kind: string, name: string) => add(ms, `${kind}StateEntered`, { stateEnteredEventDetails: { name, input: '{}' } }),
    exited: (ms: number, kind: string, name: string) => add(ms, `${kind}StateExited`, { stateExitedEventDetails: { name, output: '{}' } }),
    lambdaOk: (from: number, to: number, output: unknown) => {
      add(from, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:x', input: '{}' } });
      add(from, 'LambdaFunctionStarted');
      add(to, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(output) } });
    },
    lambdaFails: (from: number, to: number, error: string, message: string) => {
      add(from, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:x', input: '{}' } });
      add(from, 'LambdaFunctionStarted');
      add(to, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error, cause: lambdaError(error, message) } });
    },
    lambdaRunning: (from: number) => {
      add(from, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: 'arn:aws:lambda:x', input: '{}' } });
      add(from, 'LambdaFunctionStarted');
    },
    succeeded: (ms: number, output: unknown) => add(ms, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: JSON.stringify(output) } }),
    failed: (ms: number, error: string, cause: string) => add(ms, 'ExecutionFailed', { executionFailedEventDetails: { error, cause } }),
    aborted: (ms: number) => add(ms, 'ExecutionAborted', { executionAbortedEventDetails: {} }),
  };
}

const triaged = historyOf((h) => {
  h.started();
  h.entered(1, 'Task', 'FindDuplicates');
  h.lambdaFails(2, 40, 'TransientError', 'index busy');
  h.lambdaOk(1040, 1100, { contract: 'find-duplicates.v1', isDuplicate: false });
  h.exited(1101, 'Task', 'FindDuplicates');
  h.entered(1101, 'Choice', 'IsDuplicate');
  h.exited(1102, 'Choice', 'IsDuplicate');
  h.entered(1102, 'Task', 'Triage');
  h.lambdaOk(1103, 1400, { contract: 'triage.v1', result: { provider: 'local' } });
  h.exited(1401, 'Task', 'Triage');
  h.entered(1401, 'Task', 'ReportTriaged');
  h.lambdaOk(1402, 1450, { eventId: 'e-1', type: 'ticket.triaged' });
  h.exited(1451, 'Task', 'ReportTriaged');
  h.succeeded(1452, { triage: { result: { provider: 'local' } } });
});

/** The definition's failure path as the local engine writes it: the caught Task exits, then ReportFailure and a Fail state. */
const triageFailed = historyOf((h) => {
  h.started();
  h.entered(1, 'Task', 'FindDuplicates');
  h.lambdaOk(2, 20, { isDuplicate: false });
  h.exited(21, 'Task', 'FindDuplicates');
  h.entered(21, 'Choice', 'IsDuplicate');
  h.exited(22, 'Choice', 'IsDuplicate');
  h.entered(22, 'Task', 'Triage');
  h.lambdaFails(23, 30, 'Error', 'model down');
  h.lambdaFails(1030, 1040, 'Error', 'model down');
  h.lambdaFails(3040, 3050, 'Error', 'model down');
  h.lambdaFails(7050, 7060, 'Error', 'model still down');
  h.exited(7061, 'Task', 'Triage');
  h.entered(7061, 'Task', 'ReportFailure');
  h.lambdaOk(7062, 7100, { eventId: 'e-2', type: 'ticket.triage-failed' });
  h.exited(7101, 'Task', 'ReportFailure');
  h.entered(7101, 'Fail', 'TriageFailed');
  h.failed(7102, 'TriageFailed', 'The chain could not triage the ticket; ticket.triage-failed was published.');
});

describe('stepsOf', () => {
  it('pairs each state entered with its exit, with timings, and counts attempts and failures', () => {
    expect(stepsOf(triaged)).toEqual([
      {
        name: 'FindDuplicates',
        type: 'Task',
        status: 'succeeded',
        attempts: 2,
        failures: 1,
        startedAt: '2026-11-25T10:00:00.001Z',
        endedAt: '2026-11-25T10:00:01.101Z',
        durationMs: 1100,
      },
      { name: 'IsDuplicate', type: 'Choice', status: 'succeeded', attempts: 0, failures: 0, startedAt: '2026-11-25T10:00:01.101Z', endedAt: '2026-11-25T10:00:01.102Z', durationMs: 1 },
      { name: 'Triage', type: 'Task', status: 'succeeded', attempts: 1, failures: 0, startedAt: '2026-11-25T10:00:01.102Z', endedAt: '2026-11-25T10:00:01.401Z', durationMs: 299 },
      { name: 'ReportTriaged', type: 'Task', status: 'succeeded', attempts: 1, failures: 0, startedAt: '2026-11-25T10:00:01.401Z', endedAt: '2026-11-25T10:00:01.451Z', durationMs: 50 },
    ]);
  });

  it('marks a Task whose retries ran out as failed with the last error message (no stack trace), then the chain reporting it', () => {
    const steps = stepsOf(triageFailed);

    expect(steps.map((step) => [step.name, step.status])).toEqual([
      ['FindDuplicates', 'succeeded'],
      ['IsDuplicate', 'succeeded'],
      ['Triage', 'failed'],
      ['ReportFailure', 'succeeded'],
      ['TriageFailed', 'failed'],
    ]);
    expect(steps[2]).toMatchObject({ attempts: 4, failures: 4, error: 'Error', cause: 'model still down' });
    expect(steps[4]).toMatchObject({
      type: 'Fail',
      attempts: 0,
      error: 'TriageFailed',
      cause: 'The chain could not triage the ticket; ticket.triage-failed was published.',
      durationMs: 1,
    });
  });

  it('ends a caught Task that was never exited (as AWS may write it) when the next state is entered', () => {
    const steps = stepsOf(
      historyOf((h) => {
        h.started();
        h.entered(1, 'Task', 'Triage');
        h.lambdaFails(2, 10, 'Error', 'boom');
        h.entered(11, 'Task', 'ReportFailure');
        h.lambdaOk(12, 20, {});
        h.exited(21, 'Task', 'ReportFailure');
        h.succeeded(22, {});
      }),
    );

    expect(steps[0]).toMatchObject({ name: 'Triage', status: 'failed', endedAt: '2026-11-25T10:00:00.011Z', durationMs: 10, error: 'Error', cause: 'boom' });
    expect(steps[1]).toMatchObject({ name: 'ReportFailure', status: 'succeeded' });
  });

  it('shows the state in progress of a running execution as running, with its open attempt counted', () => {
    const steps = stepsOf(
      historyOf((h) => {
        h.started();
        h.entered(1, 'Task', 'FindDuplicates');
        h.lambdaFails(2, 5, 'TransientError', 'busy');
        h.lambdaRunning(1005);
      }),
    );

    expect(steps).toEqual([
      { name: 'FindDuplicates', type: 'Task', status: 'running', attempts: 2, failures: 1, startedAt: '2026-11-25T10:00:00.001Z', endedAt: null, durationMs: null },
    ]);
  });

  it('fails the state an aborted execution was in, naming the abort', () => {
    const steps = stepsOf(
      historyOf((h) => {
        h.started();
        h.entered(1, 'Task', 'Triage');
        h.lambdaRunning(2);
        h.aborted(50);
      }),
    );

    expect(steps[0]).toMatchObject({ status: 'failed', error: 'States.Aborted', endedAt: '2026-11-25T10:00:00.050Z' });
  });

  it('counts a Lambda that could not even be scheduled as a failed attempt', () => {
    const steps = stepsOf(
      historyOf((h) => {
        h.started();
        h.entered(1, 'Task', 'Triage');
        h.events.push({
          id: 3,
          timestamp: new Date(T0 + 2),
          type: 'LambdaFunctionScheduleFailed',
          lambdaFunctionScheduleFailedEventDetails: { error: 'Lambda.ServiceException', cause: 'throttled' },
        });
        h.failed(3, 'Lambda.ServiceException', 'throttled');
      }),
    );

    expect(steps[0]).toMatchObject({ status: 'failed', attempts: 1, failures: 1, error: 'Lambda.ServiceException', cause: 'throttled' });
  });
});

describe('taskAttemptsOf', () => {
  it('lists every attempt with its state, times, outcome and parsed output', () => {
    const attempts = taskAttemptsOf(triaged);

    expect(attempts.map((attempt) => [attempt.state, attempt.outcome])).toEqual([
      ['FindDuplicates', 'failed'],
      ['FindDuplicates', 'succeeded'],
      ['Triage', 'succeeded'],
      ['ReportTriaged', 'succeeded'],
    ]);
    expect(attempts[0]).toMatchObject({ error: 'TransientError', startedAt: new Date(T0 + 2), endedAt: new Date(T0 + 40) });
    expect(attempts[2]!.output).toEqual({ contract: 'triage.v1', result: { provider: 'local' } });
  });
});

describe('executionViewOf', () => {
  it('gives a succeeded execution its timings, ticket, steps and parsed output', () => {
    const view = executionViewOf(
      {
        name: 'exec-1',
        status: 'SUCCEEDED',
        startDate: new Date(T0),
        stopDate: new Date(T0 + 1452),
        input: JSON.stringify({ detail: { data: { ticket: { id: 'TCK-1' } } } }),
        output: JSON.stringify({ triage: { result: { provider: 'local' } } }),
      },
      triaged,
    );

    expect(view).toMatchObject({
      executionId: 'exec-1',
      ticketId: 'TCK-1',
      status: 'succeeded',
      startedAt: '2026-11-25T10:00:00.000Z',
      stoppedAt: '2026-11-25T10:00:01.452Z',
      durationMs: 1452,
      output: { triage: { result: { provider: 'local' } } },
    });
    expect(view.steps).toHaveLength(4);
    expect(view).not.toHaveProperty('error');
  });

  it('gives a failed execution its error and cause, and no output', () => {
    const view = executionViewOf(
      { name: 'exec-2', status: 'FAILED', startDate: new Date(T0), stopDate: new Date(T0 + 7102), error: 'TriageFailed', cause: 'ticket.triage-failed was published' },
      triageFailed,
    );

    expect(view).toMatchObject({ status: 'failed', error: 'TriageFailed', cause: 'ticket.triage-failed was published', ticketId: null });
    expect(view).not.toHaveProperty('output');
  });

  it('leaves the end and duration of a running execution open', () => {
    const view = executionViewOf({ name: 'exec-3', status: 'RUNNING', startDate: new Date(T0) }, []);

    expect(view).toMatchObject({ status: 'running', stoppedAt: null, durationMs: null, steps: [] });
  });
});

describe('small conversions', () => {
  it('spells SFN statuses in lower case', () => {
    expect(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].map(statusNameOf)).toEqual([
      'running',
      'succeeded',
      'failed',
      'timed_out',
      'aborted',
      'pending_redrive',
    ]);
  });

  it('turns an execution id into its ARN and back', () => {
    const arn = executionArnOf('arn:aws:states:us-east-1:123456789012:stateMachine:cogdesk-dev-cognitive-chain', 'abc-1');

    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:execution:cogdesk-dev-cognitive-chain:abc-1');
    expect(executionIdOf(arn)).toBe('abc-1');
  });

  it('finds the ticket in an EventBridge-shaped input, and none in anything else', () => {
    expect(ticketIdOfInput(JSON.stringify({ detail: { subject: 'TCK-9', data: { ticket: { id: 'TCK-9' } } } }))).toBe('TCK-9');
    expect(ticketIdOfInput(JSON.stringify({ detail: { subject: 'TCK-8' } }))).toBe('TCK-8');
    expect(ticketIdOfInput('{"other":true}')).toBeNull();
    expect(ticketIdOfInput('not json')).toBeNull();
    expect(ticketIdOfInput(undefined)).toBeNull();
  });

  it('keeps only the message of a Lambda error cause', () => {
    expect(causeMessage(lambdaError('Error', 'model down'))).toBe('model down');
    expect(causeMessage('plain words')).toBe('plain words');
  });

  it('shapes a manual triage like the EventBridge event the rule delivers', () => {
    const ticket = { id: 'TCK-1', version: 3 } as Parameters<typeof manualTriageInput>[0]['ticket'];
    const input = manualTriageInput({ eventId: 'evt-1', correlationId: 'corr-1', ticket, actor: { type: 'user', id: 'u-1' }, now: '2026-11-25T10:00:00.000Z' });

    expect(input).toMatchObject({
      'detail-type': 'ticket.triage-requested.v1',
      source: 'cogdesk.workflow',
      detail: { id: 'evt-1', correlationId: 'corr-1', subject: 'TCK-1', actor: { type: 'user', id: 'u-1' }, data: { ticket, reason: 'manual' } },
    });
    expect(ticketIdOfInput(JSON.stringify(input))).toBe('TCK-1');
  });
});
