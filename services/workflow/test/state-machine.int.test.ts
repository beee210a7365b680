/**
 * The cognitive chain's state machine exactly as services/workflow/serverless.yml declares it (read through
 * the local cloud's wiring, not a copy), run by the local Step Functions engine with fake task functions
 * that record what the chain hands them. Proves the routing (duplicate | triage), the Retry and Catch
 * policy, and the task contracts the chain feeds to EmitOutcome.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { FindDuplicatesOutput } from '@cogdesk/dedupe/application/dedupe-service';
import { validateEvent, type TicketCreatedV1 } from '@cogdesk/events-schema';
import type { TriageTaskInput, TriageTaskOutput } from '@cogdesk/triage/application/triage-service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../../scripts/local-cloud/stepfunctions/engine';
import { loadWiring, type LocalWiring } from '../../../scripts/local-cloud/wiring/wiring';
import { outcomeEvent, type OutcomeInput } from '../src/application/outcome-events';

const root = path.resolve(import.meta.dirname, '../../..');
const scope = { stage: 'local', region: 'us-east-1', accountId: '000000000000' };
// Retry waits shrink 50x: IntervalSeconds 1, BackoffRate 2 → 20 ms, 40 ms, 80 ms.
const RETRY_SCALE = 0.02;

const examplesDir = path.join(root, 'events-schema/ticket/created/examples');
const examples = readdirSync(examplesDir)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => ({ file, detail: JSON.parse(readFileSync(path.join(examplesDir, file), 'utf8')) as TicketCreatedV1 }));
const opened = examples.find(({ file }) => file === 'opened-by-customer.json')!.detail;

let chain: LocalWiring['stateMachines'][number];
let FIND_DUPLICATES: string;
let TRIAGE: string;
let EMIT_OUTCOME: string;
let engine: LocalStepFunctions;
let stateMachineArn: string;
// Validating a definition takes a few hundred ms, so one engine runs every test; each run brings its own fakes.
let current: ReturnType<typeof fakeFunctions> | undefined;

beforeAll(async () => {
  const wiring = await loadWiring({
    serviceDirs: [root, ...['dedupe', 'triage', 'workflow'].map((name) => path.join(root, 'services', name))],
    ...scope,
    queueUrlBase: 'http://127.0.0.1:1/000000000000',
  });
  chain = wiring.stateMachines.find((machine) => machine.name === `cogdesk-${scope.stage}-cognitive-chain`)!;
  const arnOf = (service: string, key: string) => wiring.functions.find((fn) => fn.service === service && fn.key === key)!.arn;
  FIND_DUPLICATES = arnOf('cogdesk-dedupe', 'findDuplicates');
  TRIAGE = arnOf('cogdesk-triage', 'triageTicket');
  EMIT_OUTCOME = arnOf('cogdesk-workflow', 'emitOutcome');
  engine = new LocalStepFunctions({
    lambdaInvoker: (arn, payload) => (current ? current.invoke(arn, payload) : Promise.reject(new Error('no fakes for this run'))),
    putEvents: () => Promise.reject(new Error('the chain publishes through EmitOutcome, not the EventBridge integration')),
    retryIntervalScale: RETRY_SCALE,
    region: scope.region,
    accountId: scope.accountId,
  });
  stateMachineArn = engine.createStateMachine({ name: chain.name, definition: chain.definition });
});

afterAll(async () => {
  await engine?.close();
});

/** What EventBridge hands the state machine for a `ticket.created.v1` envelope (the rule has no InputPath). */
function eventBridgeEvent(detail: TicketCreatedV1) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': `${detail.type}.v${detail.version}`,
    source: detail.source,
    account: scope.accountId,
    time: detail.time,
    region: scope.region,
    resources: [],
    detail,
  };
}

class IndexUnavailableError extends Error {
  override name = 'IndexUnavailableError';
}
class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}

type Behaviour = (payload: unknown) => unknown;
const fails = (error: Error): Behaviour => () => Promise.reject(error);
/** EmitOutcome's answer, as the real handler gives it (minus the publishing). */
const emitted: Behaviour = (payload) => {
  const event = outcomeEvent(payload as OutcomeInput, { id: randomUUID(), now: new Date().toISOString() });
  return { eventId: event.id, type: event.type };
};

const neighbours = [
  { ticketId: '0192e3d1-9f8a-7b6c-a5d4-e3f2a1b0c9d8', title: 'Billing portal: PDF export fails for credit notes', score: 0.97 },
  { ticketId: '0192b7a0-1c2d-7e3f-8a9b-0c1d2e3f4a5b', title: 'Invoices page very slow to load', score: 0.41 },
];
const duplicateFound: FindDuplicatesOutput = {
  contract: 'find-duplicates.v1',
  isDuplicate: true,
  best: neighbours[0]!,
  threshold: 0.9,
  neighbours,
};
const onlySimilar: FindDuplicatesOutput = {
  contract: 'find-duplicates.v1',
  isDuplicate: false,
  best: neighbours[1]!,
  threshold: 0.9,
  neighbours: neighbours.slice(1),
};
const triaged = (input: unknown): TriageTaskOutput => ({
  contract: 'triage.v1',
  result: {
    priority: 'high',
    category: 'billing',
    confidence: 0.87,
    estimatedResolutionHours: 4,
    recommendedSteps: ['Check the invoice renderer logs', 'Send the PDFs from the archive as a workaround'],
    provider: 'local',
    model: 'cogdesk-local-triage',
    promptVersion: 'features-v1',
    neighbours: (input as TriageTaskInput).neighbours ?? [],
  },
});

interface Call {
  arn: string;
  payload: unknown;
  at: number;
}

/**
 * Fake Lambda functions keyed by ARN: each call runs the next scripted behaviour (the last one repeats) and
 * is recorded. EmitOutcome answers like the real handler unless the script says otherwise.
 */
function fakeFunctions(script: Record<string, Behaviour[]>) {
  const calls: Call[] = [];
  const behaviours: Record<string, Behaviour[]> = {
    [EMIT_OUTCOME]: [emitted],
    ...script,
  };
  const invoke = (arn: string, payload: unknown): Promise<unknown> => {
    const made = calls.filter((call) => call.arn === arn).length;
    calls.push({ arn, payload, at: Date.now() });
    const scripted = behaviours[arn];
    if (!scripted) return Promise.reject(new Error(`no fake function ${arn}`));
    const behaviour = scripted[Math.min(made, scripted.length - 1)]!;
    return Promise.resolve().then(() => behaviour(payload));
  };
  const callsTo = (arn: string) => calls.filter((call) => call.arn === arn);
  return { invoke, calls, callsTo, outcomes: () => callsTo(EMIT_OUTCOME).map((call) => call.payload as OutcomeInput) };
}

async function runChain(script: Record<string, Behaviour[]>, detail: TicketCreatedV1 = opened) {
  const functions = fakeFunctions(script);
  current = functions;
  try {
    const { executionArn } = engine.startExecution({ stateMachineArn, input: JSON.stringify(eventBridgeEvent(detail)) });
    const result = await engine.waitForExecution(executionArn);
    const history = engine.getExecutionHistory(executionArn, { maxResults: 1000 }).events;
    return { functions, executionArn, result, history };
  } finally {
    current = undefined;
  }
}

/** The events written while the named state was current: from its Entered event up to the next state's or the end. */
function eventsOfState(events: HistoryEvent[], stateName: string): HistoryEvent[] {
  const from = events.findIndex((event) => event.stateEnteredEventDetails?.name === stateName);
  if (from < 0) return [];
  const next = events.findIndex(
    (event, index) => index > from && (event.stateEnteredEventDetails !== undefined || event.type?.startsWith('Execution')),
  );
  return events.slice(from, next < 0 ? undefined : next);
}

const enteredStates = (events: HistoryEvent[]) => events.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
const attempt = (outcome: 'Succeeded' | 'Failed') => ['LambdaFunctionScheduled', 'LambdaFunctionStarted', `LambdaFunction${outcome}`];

/** What EmitOutcome receives must make a valid public event: the chain and the function share contract emit-outcome.v1. */
function expectPublishable(input: OutcomeInput) {
  const result = validateEvent(outcomeEvent(input, { id: randomUUID(), now: new Date().toISOString() }));
  expect(result.ok ? [] : result.errors).toEqual([]);
}

describe('the cognitive chain state machine from serverless.yml', () => {
  it('is wired to the dedupe, triage and workflow functions', () => {
    const states = chain.definition.States as Record<string, { Resource?: string }>;
    expect(states.FindDuplicates?.Resource).toBe(FIND_DUPLICATES);
    expect(states.Triage?.Resource).toBe(TRIAGE);
    for (const report of ['ReportDuplicate', 'ReportTriaged', 'ReportFailure']) expect(states[report]?.Resource).toBe(EMIT_OUTCOME);
  });

  it('reports a duplicate with the dedupe result and never triages it', async () => {
    const { functions, result, history } = await runChain({ [FIND_DUPLICATES]: [() => duplicateFound], [TRIAGE]: [triaged] });

    expect(result.status).toBe('SUCCEEDED');
    expect(functions.callsTo(FIND_DUPLICATES).map((call) => call.payload)).toEqual([{ ticket: opened.data.ticket }]);
    expect(functions.callsTo(TRIAGE)).toEqual([]);
    expect(functions.outcomes()).toEqual([expect.objectContaining({ outcome: 'duplicate', ticket: opened.data.ticket, duplicates: duplicateFound })]);
    expectPublishable(functions.outcomes()[0]!);
    expect(enteredStates(history)).toEqual(['FindDuplicates', 'IsDuplicate', 'ReportDuplicate']);
  });

  it('triages a ticket that is not a duplicate, passing on the neighbours dedupe found, and reports the result', async () => {
    const { functions, result, history } = await runChain({ [FIND_DUPLICATES]: [() => onlySimilar], [TRIAGE]: [triaged] });

    expect(result.status).toBe('SUCCEEDED');
    expect(functions.callsTo(TRIAGE).map((call) => call.payload)).toEqual([{ ticket: opened.data.ticket, neighbours: onlySimilar.neighbours }]);
    expect(functions.outcomes()).toEqual([
      expect.objectContaining({ outcome: 'triaged', ticket: opened.data.ticket, triage: triaged({ neighbours: onlySimilar.neighbours }) }),
    ]);
    expectPublishable(functions.outcomes()[0]!);
    expect(enteredStates(history)).toEqual(['FindDuplicates', 'IsDuplicate', 'Triage', 'ReportTriaged']);
  });

  it.each([
    { state: 'FindDuplicates', error: new IndexUnavailableError('index is reloading') },
    { state: 'Triage', error: new ModelUnavailableError('model is warming up') },
  ])('retries $state after a transient failure and goes on to triage', async ({ state, error }) => {
    const arn = state === 'FindDuplicates' ? FIND_DUPLICATES : TRIAGE;
    const succeed = state === 'FindDuplicates' ? () => onlySimilar : triaged;
    const { functions, result, history } = await runChain({
      [FIND_DUPLICATES]: [() => onlySimilar],
      [TRIAGE]: [triaged],
      [arn]: [fails(error), succeed],
    });

    expect(result.status).toBe('SUCCEEDED');
    const [first, second] = functions.callsTo(arn).map((call) => call.at);
    expect(functions.callsTo(arn)).toHaveLength(2);
    expect(second! - first!).toBeGreaterThanOrEqual(1000 * RETRY_SCALE - 2);
    const events = eventsOfState(history, state);
    expect(events.map((event) => event.type)).toEqual(['TaskStateEntered', ...attempt('Failed'), ...attempt('Succeeded'), 'TaskStateExited']);
    const failed = events.find((event) => event.type === 'LambdaFunctionFailed')!.lambdaFunctionFailedEventDetails!;
    expect(failed.error).toBe(error.name);
    expect(JSON.parse(failed.cause!)).toMatchObject({ errorType: error.name, errorMessage: error.message });
    expect(functions.outcomes().map((outcome) => outcome.outcome)).toEqual(['triaged']);
    expect(enteredStates(history)).not.toContain('ReportFailure');
  });

  it.each([
    { state: 'FindDuplicates', error: new IndexUnavailableError('index file is corrupt'), triageCalls: 0 },
    { state: 'Triage', error: new ModelUnavailableError('model file is missing'), triageCalls: 4 },
  ])('gives up on $state after 4 attempts, reports the failure and fails as TriageFailed', async ({ state, error, triageCalls }) => {
    const arn = state === 'FindDuplicates' ? FIND_DUPLICATES : TRIAGE;
    const { functions, result, history } = await runChain({ [FIND_DUPLICATES]: [() => onlySimilar], [TRIAGE]: [triaged], [arn]: [fails(error)] });

    // The first attempt and MaxAttempts 3 retries, waiting IntervalSeconds 1 × BackoffRate 2ⁿ (scaled) between them.
    const times = functions.callsTo(arn).map((call) => call.at);
    expect(times).toHaveLength(4);
    const waits = times.slice(1).map((at, index) => at - times[index]!);
    [1, 2, 4].forEach((seconds, index) => expect(waits[index]).toBeGreaterThanOrEqual(seconds * 1000 * RETRY_SCALE - 2));
    expect(functions.callsTo(TRIAGE)).toHaveLength(triageCalls);

    const [report] = functions.outcomes();
    expect(functions.outcomes()).toHaveLength(1);
    expect(report).toMatchObject({ outcome: 'failed', ticket: opened.data.ticket, attempts: 4, error: { Error: error.name } });
    const cause = report!.outcome === 'failed' ? report!.error.Cause : undefined;
    expect(JSON.parse(cause!)).toMatchObject({ errorType: error.name, errorMessage: error.message });
    expectPublishable(report!);
    expect(outcomeEvent(report!, { id: randomUUID(), now: new Date().toISOString() }).data).toMatchObject({
      error: { type: error.name, message: error.message },
      attempts: 4,
    });

    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'TriageFailed',
      cause: 'The chain could not triage the ticket; ticket.triage-failed was published.',
    });
    expect(eventsOfState(history, state).map((event) => event.type)).toEqual([
      'TaskStateEntered',
      ...Array.from({ length: 4 }, () => attempt('Failed')).flat(),
      'TaskStateExited',
    ]);
    expect(history.slice(-3).map((event) => event.type)).toEqual(['TaskStateExited', 'FailStateEntered', 'ExecutionFailed']);
    expect(enteredStates(history).slice(-2)).toEqual(['ReportFailure', 'TriageFailed']);
  });

  it('retries a failing report too, so an outcome is not lost to a transient publish error', async () => {
    const { functions, result } = await runChain({
      [FIND_DUPLICATES]: [() => duplicateFound],
      [EMIT_OUTCOME]: [fails(new Error('EventBridge throttled')), emitted],
    });

    expect(result.status).toBe('SUCCEEDED');
    expect(functions.outcomes().map((outcome) => outcome.outcome)).toEqual(['duplicate', 'duplicate']);
  });

  describe.each(examples)('ties every report to its execution and to the $file event', ({ detail }) => {
    it.each([
      { outcome: 'duplicate', script: () => ({ [FIND_DUPLICATES]: [() => duplicateFound] }) },
      { outcome: 'triaged', script: () => ({ [FIND_DUPLICATES]: [() => onlySimilar], [TRIAGE]: [triaged] }) },
      { outcome: 'failed', script: () => ({ [FIND_DUPLICATES]: [() => onlySimilar], [TRIAGE]: [fails(new ModelUnavailableError('down'))] }) },
    ])('$outcome', async ({ outcome, script }) => {
      const { functions, executionArn } = await runChain(script(), detail);

      expect(executionArn).toMatch(new RegExp(`^arn:aws:states:us-east-1:000000000000:execution:${chain.name}:`));
      expect(functions.outcomes()).toEqual([
        expect.objectContaining({
          outcome,
          ticket: detail.data.ticket,
          executionId: executionArn,
          correlationId: detail.correlationId,
          causationId: detail.id,
        }),
      ]);
      const event = outcomeEvent(functions.outcomes()[0]!, { id: randomUUID(), now: new Date().toISOString() });
      expect(event).toMatchObject({ subject: detail.data.ticket.id, correlationId: detail.correlationId, causationId: detail.id });
      expect(event.data.executionId).toBe(executionArn);
    });
  });
});
