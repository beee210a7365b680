import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cognitiveChainDefinition,
  DEDUPE_FUNCTION_ARN,
  dedupeFinds,
  fails,
  gate,
  recordingBus,
  scriptedLambdas,
  ticketCreatedEvent,
  TransientError,
  TRIAGE_FUNCTION_ARN,
  triageAnswers,
} from './cognitive-chain.fixture';
import { LocalStepFunctions } from './engine';

// Retry intervals shrink 20x: IntervalSeconds 1, BackoffRate 2 waits 50 ms, 100 ms, 200 ms.
const RETRY_SCALE = 0.05;

let dataDir: string;
const opened: LocalStepFunctions[] = [];
const gates: ReturnType<typeof gate>[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cogdesk-sfn-'));
});

afterEach(async () => {
  gates.splice(0).forEach((held) => held.open());
  await Promise.all(opened.splice(0).map((engine) => engine.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

function setUp(script: Parameters<typeof scriptedLambdas>[0], bus = recordingBus(), options: { keepExecutions?: number; maxRunningExecutions?: number } = {}) {
  const lambdas = scriptedLambdas(script);
  const engine = new LocalStepFunctions({
    dataDir,
    lambdaInvoker: lambdas.invoke,
    putEvents: bus.putEvents,
    retryIntervalScale: RETRY_SCALE,
    ...options,
  });
  opened.push(engine);
  const stateMachineArn = engine.createStateMachine({ name: 'cognitive-chain', definition: cognitiveChainDefinition });
  const start = (ticketId: string) =>
    engine.startExecution({ stateMachineArn, name: ticketId, input: JSON.stringify(ticketCreatedEvent(ticketId)) }).executionArn;
  const run = async (ticketId: string) => {
    const executionArn = start(ticketId);
    return { executionArn, result: await engine.waitForExecution(executionArn) };
  };
  const history = (executionArn: string) => engine.getExecutionHistory(executionArn, { maxResults: 1000 }).events;
  return { engine, lambdas, bus, stateMachineArn, start, run, history };
}

function held() {
  const hold = gate();
  gates.push(hold);
  return hold;
}

/** The events written while the named state was current: from its Entered event up to the next state's or the end. */
function eventsOfState(events: HistoryEvent[], stateName: string): HistoryEvent[] {
  const from = events.findIndex((event) => event.stateEnteredEventDetails?.name === stateName);
  const next = events.findIndex(
    (event, index) => index > from && (event.stateEnteredEventDetails !== undefined || event.type?.startsWith('Execution')),
  );
  return events.slice(from, next < 0 ? undefined : next);
}

/** Scripted functions whose every FindDuplicates call waits for `hold` to open, then finds nothing close. */
const heldUntilOpen = (hold: ReturnType<typeof gate>) => ({
  [DEDUPE_FUNCTION_ARN]: [async () => hold.wait().then(dedupeFinds(0.3))],
  [TRIAGE_FUNCTION_ARN]: [triageAnswers],
});

const detailOf = (entry: { Detail?: string } | undefined) => JSON.parse(entry?.Detail ?? 'null') as Record<string, unknown>;

describe('LocalStepFunctions running the cognitive chain', () => {
  it('publishes ticket.duplicate-detected.v1 when the best match reaches the threshold, without triage', async () => {
    const { lambdas, bus, stateMachineArn, run } = setUp({
      [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.95)],
      [TRIAGE_FUNCTION_ARN]: [triageAnswers],
    });

    const { executionArn, result } = await run('TCK-1');

    expect(result.status).toBe('SUCCEEDED');
    expect(lambdas.callsTo(DEDUPE_FUNCTION_ARN).map((call) => call.payload)).toEqual([ticketCreatedEvent('TCK-1').detail]);
    expect(lambdas.callsTo(TRIAGE_FUNCTION_ARN)).toHaveLength(0);
    expect(bus.published).toHaveLength(1);
    expect(bus.published[0]).toMatchObject({
      EventBusName: 'cogdesk-test',
      Source: 'cogdesk.workflow',
      DetailType: 'ticket.duplicate-detected.v1',
      Resources: [executionArn, stateMachineArn],
    });
    expect(detailOf(bus.published[0])).toEqual({
      type: 'ticket.duplicate-detected.v1',
      subject: 'TCK-1',
      correlationId: 'corr-TCK-1',
      data: { ticketId: 'TCK-1', duplicateOf: 'TCK-OLD', score: 0.95 },
    });
    const output = JSON.parse(result.output!) as Record<string, unknown>;
    expect(output).toMatchObject({
      duplicates: { top: { ticketId: 'TCK-OLD', score: 0.95 }, threshold: 0.9 },
      published: { FailedEntryCount: 0, Entries: [{ EventId: 'event-1-0' }] },
    });
  });

  it('triages a ticket below the threshold and publishes ticket.triaged.v1', async () => {
    const { lambdas, bus, run } = setUp({ [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.42)], [TRIAGE_FUNCTION_ARN]: [triageAnswers] });

    const { result } = await run('TCK-2');

    expect(result.status).toBe('SUCCEEDED');
    expect(lambdas.callsTo(TRIAGE_FUNCTION_ARN).map((call) => call.payload)).toEqual([ticketCreatedEvent('TCK-2').detail]);
    expect(bus.detailTypes()).toEqual(['ticket.triaged.v1']);
    expect(detailOf(bus.published[0]).data).toEqual({ ticketId: 'TCK-2', priority: 'high', category: 'access' });
  });

  it('retries a failing task with exponential backoff and records every attempt', async () => {
    const { lambdas, bus, run, history } = setUp({
      [DEDUPE_FUNCTION_ARN]: [fails(new TransientError('index busy')), fails(new TransientError('index busy')), dedupeFinds(0.1)],
      [TRIAGE_FUNCTION_ARN]: [triageAnswers],
    });

    const { executionArn, result } = await run('TCK-3');

    expect(result.status).toBe('SUCCEEDED');
    expect(bus.detailTypes()).toEqual(['ticket.triaged.v1']);
    const [first, second, third] = lambdas.callsTo(DEDUPE_FUNCTION_ARN).map((call) => call.at);
    expect(second! - first!).toBeGreaterThanOrEqual(45);
    expect(third! - second!).toBeGreaterThanOrEqual(95);

    const attempts = eventsOfState(history(executionArn), 'FindDuplicates');
    expect(attempts.map((event) => event.type)).toEqual([
      'TaskStateEntered',
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskSucceeded'],
      'TaskStateExited',
    ]);
    const failed = attempts.find((event) => event.type === 'TaskFailed')!.taskFailedEventDetails!;
    expect(failed).toMatchObject({ resourceType: 'lambda', resource: 'invoke', error: 'TransientError' });
    expect(JSON.parse(failed.cause!)).toMatchObject({ errorType: 'TransientError', errorMessage: 'index busy' });
    const succeeded = attempts.find((event) => event.type === 'TaskSucceeded')!.taskSucceededEventDetails!;
    expect(JSON.parse(succeeded.output!)).toEqual({ ExecutedVersion: '$LATEST', StatusCode: 200, Payload: dedupeFinds(0.1)() });
  });

  it('catches a task that keeps failing, publishes ticket.triage-failed.v1 and fails the execution', async () => {
    const { lambdas, bus, run, history } = setUp({
      [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.2)],
      [TRIAGE_FUNCTION_ARN]: [fails(new TransientError('model unavailable'))],
    });

    const { executionArn, result } = await run('TCK-4');

    expect(lambdas.callsTo(TRIAGE_FUNCTION_ARN)).toHaveLength(4); // the first attempt and MaxAttempts 3 retries
    expect(bus.detailTypes()).toEqual(['ticket.triage-failed.v1']);
    const data = detailOf(bus.published[0]).data as { ticketId: string; error: string; cause: string };
    expect(data).toMatchObject({ ticketId: 'TCK-4', error: 'TransientError' });
    expect(JSON.parse(data.cause)).toMatchObject({ errorType: 'TransientError', errorMessage: 'model unavailable' });
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'Cogdesk.TriageFailed',
      cause: 'The cognitive chain could not triage the ticket',
    });
    expect(result.stopDate).toBeInstanceOf(Date);

    const events = history(executionArn);
    expect(eventsOfState(events, 'Triage').map((event) => event.type)).toEqual([
      'TaskStateEntered',
      ...Array.from({ length: 4 }, () => ['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed']).flat(),
      'TaskStateExited',
    ]);
    expect(events.slice(-3).map((event) => event.type)).toEqual(['TaskStateExited', 'FailStateEntered', 'ExecutionFailed']);
  });

  it('fails a PutEvents task on a failed entry (EventBridge.FailedEntry) and retries it', async () => {
    const { bus, run, history } = setUp(
      { [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.5)], [TRIAGE_FUNCTION_ARN]: [triageAnswers] },
      recordingBus({ failFirst: 1 }),
    );

    const { executionArn, result } = await run('TCK-5');

    expect(result.status).toBe('SUCCEEDED');
    expect(bus.detailTypes()).toEqual(['ticket.triaged.v1']);
    const publishing = eventsOfState(history(executionArn), 'PublishTriaged');
    expect(publishing.map((event) => event.type)).toEqual([
      'TaskStateEntered',
      ...['TaskScheduled', 'TaskStarted', 'TaskFailed'],
      ...['TaskScheduled', 'TaskStarted', 'TaskSucceeded'],
      'TaskStateExited',
    ]);
    expect(publishing[3]!.taskFailedEventDetails).toMatchObject({
      resourceType: 'events',
      resource: 'putEvents',
      error: 'EventBridge.FailedEntry',
    });
  });

  it('fails a task that outlives its TimeoutSeconds with States.Timeout', async () => {
    const lambdas = scriptedLambdas({ [TRIAGE_FUNCTION_ARN]: [() => new Promise(() => undefined)] });
    const engine = new LocalStepFunctions({ lambdaInvoker: lambdas.invoke, putEvents: recordingBus().putEvents });
    opened.push(engine);
    const definition = {
      StartAt: 'Triage',
      States: { Triage: { Type: 'Task', Resource: TRIAGE_FUNCTION_ARN, TimeoutSeconds: 1, End: true } },
    };
    const stateMachineArn = engine.createStateMachine({ name: 'slow', definition });

    const { executionArn } = engine.startExecution({ stateMachineArn });
    const result = await engine.waitForExecution(executionArn);

    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const events = engine.getExecutionHistory(executionArn).events;
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[2]!.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: TRIAGE_FUNCTION_ARN, timeoutInSeconds: 1 });
  });
});

describe('LocalStepFunctions state machines', () => {
  it('runs new executions on an updated definition and keeps the update across a restart', async () => {
    const { engine, stateMachineArn } = setUp({});
    const echo = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', Parameters: { 'echoed.$': '$' }, End: true } } };

    const { updateDate } = engine.updateStateMachine({ stateMachineArn, definition: echo });
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"a":1}' });

    expect(updateDate).toBeInstanceOf(Date);
    expect(await engine.waitForExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"echoed":{"a":1}}' });
    expect(engine.getExecutionHistory(executionArn).events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const restarted = new LocalStepFunctions({ dataDir, lambdaInvoker: scriptedLambdas({}).invoke, putEvents: recordingBus().putEvents });
    opened.push(restarted);
    expect(restarted.describeStateMachine(stateMachineArn).definition).toBe(JSON.stringify(echo));
  });

  it('times out an execution that outlives its TimeoutSeconds', async () => {
    const { engine } = setUp({});
    const definition = { TimeoutSeconds: 1, StartAt: 'Linger', States: { Linger: { Type: 'Wait', Seconds: 30, End: true } } };
    const stateMachineArn = engine.createStateMachine({ name: 'lingering', definition });

    const { executionArn } = engine.startExecution({ stateMachineArn });

    expect(await engine.waitForExecution(executionArn)).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(engine.getExecutionHistory(executionArn, { reverseOrder: true }).events[0]).toMatchObject({ type: 'ExecutionTimedOut' });
  });
});

describe('LocalStepFunctions execution history', () => {
  it('is numbered, linked and timestamped like AWS, with the details AWS writes', async () => {
    const { stateMachineArn, run, history } = setUp({ [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.3)], [TRIAGE_FUNCTION_ARN]: [triageAnswers] });

    const { executionArn, result } = await run('TCK-6');
    const events = history(executionArn);

    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      ...['ChoiceStateEntered', 'ChoiceStateExited'],
      ...['TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited'],
      ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
      'ExecutionSucceeded',
    ]);
    events.forEach((event, index) => {
      expect(event.id).toBe(index + 1);
      expect(event.previousEventId).toBe(index);
      expect(event.timestamp).toBeInstanceOf(Date);
      if (index > 0) expect(event.timestamp!.getTime()).toBeGreaterThanOrEqual(events[index - 1]!.timestamp!.getTime());
    });

    const input = ticketCreatedEvent('TCK-6');
    expect(events[0]!.executionStartedEventDetails).toEqual({
      input: JSON.stringify(input),
      inputDetails: { truncated: false },
      roleArn: 'arn:aws:iam::000000000000:role/local-stepfunctions',
    });
    expect(events[1]!.stateEnteredEventDetails).toEqual({
      name: 'FindDuplicates',
      input: JSON.stringify(input),
      inputDetails: { truncated: false },
    });
    expect(events[2]!.taskScheduledEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      parameters: JSON.stringify({ FunctionName: DEDUPE_FUNCTION_ARN, Payload: input.detail }),
    });
    expect(events[3]!.taskStartedEventDetails).toEqual({ resourceType: 'lambda', resource: 'invoke' });
    expect(JSON.parse(events[5]!.stateExitedEventDetails!.output!)).toMatchObject({ duplicates: { threshold: 0.9 } });
    expect(events[9]!.lambdaFunctionScheduledEventDetails).toEqual({
      resource: TRIAGE_FUNCTION_ARN,
      input: JSON.stringify(input.detail),
      inputDetails: { truncated: false },
    });
    expect(JSON.parse(events[11]!.lambdaFunctionSucceededEventDetails!.output!)).toEqual(triageAnswers());
    expect(JSON.parse(events[14]!.taskScheduledEventDetails!.parameters!)).toMatchObject({
      Entries: [{ DetailType: 'ticket.triaged.v1' }],
    });
    expect(events.at(-1)!.executionSucceededEventDetails).toEqual({ output: result.output, outputDetails: { truncated: false } });
    expect(stateMachineArn).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:cognitive-chain');
    expect(executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:cognitive-chain:TCK-6');
  });

  it('pages newest first with reverseOrder and rejects a token it did not issue', async () => {
    const { engine, run, history } = setUp({ [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.95)] });
    const { executionArn } = await run('TCK-7');
    const all = history(executionArn);

    const pages: HistoryEvent[][] = [];
    let nextToken: string | undefined;
    do {
      const page = engine.getExecutionHistory(executionArn, { reverseOrder: true, maxResults: 4, ...(nextToken && { nextToken }) });
      pages.push(page.events);
      nextToken = page.nextToken;
    } while (nextToken);

    expect(pages.slice(0, -1).every((page) => page.length === 4)).toBe(true);
    expect(pages.flat()).toEqual([...all].reverse());
    expect(() => engine.getExecutionHistory(executionArn, { nextToken: 'bm90LWEtdG9rZW4' })).toThrow(
      expect.objectContaining({ code: 'InvalidToken' }),
    );
  });
});

describe('LocalStepFunctions executions', () => {
  it('lists executions newest first, filtered by status, in pages', async () => {
    const hold = held();
    const { engine, stateMachineArn, run, start } = setUp({
      [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.95), dedupeFinds(0.95), dedupeFinds(0.1), async () => hold.wait().then(dedupeFinds(0.95))],
      [TRIAGE_FUNCTION_ARN]: [fails(new Error('always'))],
    });
    await run('first');
    await run('second');
    await run('third'); // triage fails for good
    start('fourth'); // held: still running

    const names = (request: Parameters<LocalStepFunctions['listExecutions']>[0]) =>
      engine.listExecutions(request).executions.map((execution) => execution.name);
    expect(names({ stateMachineArn })).toEqual(['fourth', 'third', 'second', 'first']);
    expect(names({ stateMachineArn, statusFilter: 'SUCCEEDED' })).toEqual(['second', 'first']);
    expect(names({ stateMachineArn, statusFilter: 'FAILED' })).toEqual(['third']);
    expect(names({ stateMachineArn, statusFilter: 'RUNNING' })).toEqual(['fourth']);

    const firstPage = engine.listExecutions({ stateMachineArn, maxResults: 3 });
    expect(firstPage.executions.map((execution) => execution.name)).toEqual(['fourth', 'third', 'second']);
    const lastPage = engine.listExecutions({ stateMachineArn, maxResults: 3, nextToken: firstPage.nextToken! });
    expect(lastPage).toEqual({
      executions: [expect.objectContaining({ name: 'first', status: 'SUCCEEDED', stopDate: expect.any(Date) as unknown })],
    });
    expect(firstPage.executions[0]).not.toHaveProperty('stopDate');
  });

  it('treats a repeated start of a running execution as a retry and any other reuse of the name as a conflict', async () => {
    const hold = held();
    const { engine, stateMachineArn, start } = setUp({ [DEDUPE_FUNCTION_ARN]: [async () => hold.wait().then(dedupeFinds(0.95))] });
    const input = JSON.stringify(ticketCreatedEvent('TCK-8'));
    const executionArn = start('TCK-8');

    expect(engine.startExecution({ stateMachineArn, name: 'TCK-8', input }).executionArn).toBe(executionArn);
    expect(() => engine.startExecution({ stateMachineArn, name: 'TCK-8', input: '{}' })).toThrow(
      expect.objectContaining({ code: 'ExecutionAlreadyExists' }),
    );
    hold.open();
    await engine.waitForExecution(executionArn);
    expect(() => engine.startExecution({ stateMachineArn, name: 'TCK-8', input })).toThrow(
      expect.objectContaining({ code: 'ExecutionAlreadyExists' }),
    );
    expect(engine.listExecutions({ stateMachineArn }).executions).toHaveLength(1);
  });

  it('rejects bad requests with the AWS error codes', () => {
    const { engine, stateMachineArn } = setUp({});
    const rejects = (fn: () => unknown, expected: string) => expect(fn).toThrow(expect.objectContaining({ code: expected }));
    rejects(() => engine.startExecution({ stateMachineArn, input: 'not json' }), 'InvalidExecutionInput');
    rejects(() => engine.startExecution({ stateMachineArn, name: 'has space' }), 'InvalidName');
    rejects(() => engine.startExecution({ stateMachineArn: `${stateMachineArn}-gone` }), 'StateMachineDoesNotExist');
    rejects(() => engine.startExecution({ stateMachineArn: 'cognitive-chain' }), 'InvalidArn');
    rejects(() => engine.describeExecution(`${stateMachineArn.replace(':stateMachine:', ':execution:')}:nope`), 'ExecutionDoesNotExist');
    rejects(() => engine.describeExecution(stateMachineArn), 'InvalidArn');
    rejects(
      () => engine.createStateMachine({ name: 'cognitive-chain', definition: { ...cognitiveChainDefinition, Comment: 'changed' } }),
      'StateMachineAlreadyExists',
    );
    expect(engine.createStateMachine({ name: 'cognitive-chain', definition: cognitiveChainDefinition })).toBe(stateMachineArn);
  });

  it('stops a running execution: ABORTED with the given error and cause, and no task runs after it', async () => {
    const hold = held();
    const { engine, lambdas, bus, start, history } = setUp({
      [DEDUPE_FUNCTION_ARN]: [async () => hold.wait().then(fails(new TransientError('late')))],
      [TRIAGE_FUNCTION_ARN]: [triageAnswers],
    });
    const executionArn = start('TCK-9');

    const { stopDate } = await engine.stopExecution(executionArn, { error: 'Cogdesk.Cancelled', cause: 'ticket deleted' });
    hold.open();
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(engine.describeExecution(executionArn)).toMatchObject({
      status: 'ABORTED',
      error: 'Cogdesk.Cancelled',
      cause: 'ticket deleted',
      stopDate,
    });
    expect(history(executionArn).at(-1)).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Cogdesk.Cancelled', cause: 'ticket deleted' },
    });
    expect(lambdas.callsTo(DEDUPE_FUNCTION_ARN)).toHaveLength(1); // the failed in-flight attempt is not retried
    expect(lambdas.callsTo(TRIAGE_FUNCTION_ARN)).toHaveLength(0);
    expect(bus.published).toHaveLength(0);
  });
});

describe('LocalStepFunctions under a burst', () => {
  it('runs at most maxRunningExecutions at once; the rest wait, RUNNING with no history, and run in start order', async () => {
    const hold = held();
    const { engine, lambdas, start, history } = setUp(heldUntilOpen(hold), recordingBus(), { maxRunningExecutions: 2 });
    const arns = ['TCK-1', 'TCK-2', 'TCK-3', 'TCK-4'].map(start);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(lambdas.callsTo(DEDUPE_FUNCTION_ARN)).toHaveLength(2);
    expect(arns.map((arn) => engine.describeExecution(arn).status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    expect(history(arns[2]!)).toEqual([]);
    hold.open();

    const results = await Promise.all(arns.map((arn) => engine.waitForExecution(arn)));
    expect(results.map((result) => result.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const ticketOf = (payload: unknown) => JSON.stringify(payload).match(/TCK-\d/)![0];
    expect(lambdas.callsTo(DEDUPE_FUNCTION_ARN).map((call) => ticketOf(call.payload))).toEqual(['TCK-1', 'TCK-2', 'TCK-3', 'TCK-4']);
    expect(history(arns[3]!)[0]).toMatchObject({ type: 'ExecutionStarted', id: 1 });
  });

  it('pauses for a shutdown: lets the running finish, records new starts to run on the next start', async () => {
    const hold = held();
    const before = setUp(heldUntilOpen(hold));
    const running = before.start('TCK-30');
    const paused = before.engine.pause(5_000);
    const startedWhilePaused = before.start('TCK-31');
    hold.open();
    await paused;

    expect(before.engine.describeExecution(running).status).toBe('SUCCEEDED');
    expect(before.engine.describeExecution(startedWhilePaused).status).toBe('RUNNING');
    expect(before.history(startedWhilePaused)).toEqual([]);
    expect(before.lambdas.callsTo(DEDUPE_FUNCTION_ARN)).toHaveLength(1);
    await before.engine.close();

    const after = new LocalStepFunctions({ dataDir, lambdaInvoker: scriptedLambdas({ [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.3)], [TRIAGE_FUNCTION_ARN]: [triageAnswers] }).invoke, putEvents: recordingBus().putEvents });
    opened.push(after);
    after.resume();
    expect((await after.waitForExecution(startedWhilePaused)).status).toBe('SUCCEEDED');
  });

  it('gives up waiting on running executions after the timeout it was given', async () => {
    const hold = held();
    const { engine, start } = setUp(heldUntilOpen(hold));
    const stuck = start('TCK-32');
    const began = Date.now();
    await engine.pause(100);
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(engine.describeExecution(stuck).status).toBe('RUNNING');
  });

  it('stops a waiting execution before any task runs: ABORTED, its history started and aborted', async () => {
    const hold = held();
    const { engine, lambdas, start, history } = setUp(heldUntilOpen(hold), recordingBus(), { maxRunningExecutions: 1 });
    const [first, waiting] = ['TCK-5', 'TCK-6'].map(start);

    await engine.stopExecution(waiting!, { error: 'Cogdesk.Cancelled', cause: 'ticket deleted' });
    hold.open();
    await engine.waitForExecution(first!);

    expect(engine.describeExecution(waiting!)).toMatchObject({ status: 'ABORTED', error: 'Cogdesk.Cancelled' });
    expect(history(waiting!).map((event) => event.type)).toEqual(['ExecutionStarted', 'ExecutionAborted']);
    expect(lambdas.callsTo(DEDUPE_FUNCTION_ARN)).toHaveLength(1);
  });
});

describe('LocalStepFunctions persistence', () => {
  it('keeps every running execution and the ones that ended last, forgets those that ended first, and drops them from the journal on restart', async () => {
    const hold = held();
    const { engine, stateMachineArn, start, run } = setUp(
      { [DEDUPE_FUNCTION_ARN]: [async () => hold.wait().then(dedupeFinds(0.95)), dedupeFinds(0.95)] },
      recordingBus(),
      { keepExecutions: 3 },
    );
    const running = start('TCK-20');
    const finished: string[] = [];
    for (const ticketId of ['TCK-21', 'TCK-22', 'TCK-23', 'TCK-24']) finished.push((await run(ticketId)).executionArn);
    const names = () => engine.listExecutions({ stateMachineArn }).executions.map((execution) => execution.name);

    expect(names()).toEqual(['TCK-24', 'TCK-23', 'TCK-20']);
    expect(() => engine.describeExecution(finished[0]!)).toThrow(expect.objectContaining({ code: 'ExecutionDoesNotExist' }) as Error);
    hold.open();
    expect((await engine.waitForExecution(running)).status).toBe('SUCCEEDED');
    await engine.close();

    const restart = (keepExecutions?: number) => {
      const again = new LocalStepFunctions({ dataDir, lambdaInvoker: scriptedLambdas({}).invoke, putEvents: recordingBus().putEvents, ...(keepExecutions ? { keepExecutions } : {}) });
      opened.push(again);
      return again.listExecutions({ stateMachineArn }).executions.map((execution) => execution.name);
    };
    // TCK-20 started first but ended last, so TCK-23 goes.
    expect(restart(2)).toEqual(['TCK-24', 'TCK-20']);
    const journal = readFileSync(path.join(dataDir, 'executions.jsonl'), 'utf8');
    expect(journal.split('\n').filter((line) => line.startsWith('{"execution"'))).toHaveLength(2);
    expect(restart()).toEqual(['TCK-24', 'TCK-20']);
  });

  it('keeps state machines, executions and their history across a restart, and fails the ones it interrupted', async () => {
    const hold = held();
    const before = setUp({
      [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.3), async () => hold.wait().then(dedupeFinds(0.3))],
      [TRIAGE_FUNCTION_ARN]: [triageAnswers],
    });
    const { executionArn: finished, result } = await before.run('TCK-10');
    const interrupted = before.start('TCK-11');
    const finishedHistory = before.history(finished);
    await before.engine.close();

    const bus = recordingBus();
    const lambdas = scriptedLambdas({ [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.95)] });
    const after = new LocalStepFunctions({ dataDir, lambdaInvoker: lambdas.invoke, putEvents: bus.putEvents });
    opened.push(after);

    expect(after.describeStateMachine(before.stateMachineArn)).toMatchObject({
      name: 'cognitive-chain',
      status: 'ACTIVE',
      type: 'STANDARD',
    });
    expect(after.describeExecution(finished)).toEqual(result);
    expect(after.getExecutionHistory(finished, { maxResults: 1000 }).events).toEqual(finishedHistory);
    expect(after.describeExecution(interrupted)).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'local runtime restarted',
    });
    expect(after.getExecutionHistory(interrupted, { reverseOrder: true }).events[0]).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'States.Runtime', cause: 'local runtime restarted' },
    });

    const { executionArn } = after.startExecution({
      stateMachineArn: before.stateMachineArn,
      name: 'TCK-12',
      input: JSON.stringify(ticketCreatedEvent('TCK-12')),
    });
    expect((await after.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
    expect(after.listExecutions({ stateMachineArn: before.stateMachineArn }).executions.map((execution) => execution.name)).toEqual([
      'TCK-12',
      'TCK-11',
      'TCK-10',
    ]);
  });

  it('runs after a restart the executions still waiting for a slot; the one it interrupted fails', async () => {
    const hold = held();
    const before = setUp(heldUntilOpen(hold), recordingBus(), { maxRunningExecutions: 1 });
    const [interrupted, waited] = ['TCK-20', 'TCK-21'].map(before.start);
    await before.engine.close();

    const lambdas = scriptedLambdas({ [DEDUPE_FUNCTION_ARN]: [dedupeFinds(0.3)], [TRIAGE_FUNCTION_ARN]: [triageAnswers] });
    const after = new LocalStepFunctions({ dataDir, lambdaInvoker: lambdas.invoke, putEvents: recordingBus().putEvents });
    opened.push(after);
    // It waits until told that its tasks can run.
    expect(lambdas.calls).toHaveLength(0);
    after.resume();

    expect((await after.waitForExecution(waited!)).status).toBe('SUCCEEDED');
    expect(after.describeExecution(interrupted!)).toMatchObject({ status: 'FAILED', cause: 'local runtime restarted' });
    expect(lambdas.callsTo(DEDUPE_FUNCTION_ARN)).toHaveLength(1);
  });
});
