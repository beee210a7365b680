/**
 * The workflow API through `app.request()` against the real adapters: the local Step Functions engine behind
 * the SFN API, running the REAL cognitive-chain definition read from serverless.yml (Lambdas faked by ARN),
 * and dynalite for the ticket snapshot table declared there too.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { validateEvent, type TicketSnapshot } from '@cogdesk/events-schema';
import { createEventConsumer } from '@cogdesk/shared/events/sqs-consumer';
import { createLocalTokenIssuer, createTokenVerifier } from '@cogdesk/shared/http/tokens';
import { startDynalite } from '@cogdesk/shared/testing/dynalite';
import { eventBridgeEventOf, sqsEventOf } from '@cogdesk/shared/testing/events';
import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTables } from '../../../scripts/local-cloud/dynamodb';
import { LocalStepFunctions } from '../../../scripts/local-cloud/stepfunctions/engine';
import { startLocalStepFunctions, type LocalStepFunctionsServer } from '../../../scripts/local-cloud/stepfunctions/server';
import { loadWiring, type LocalWiring } from '../../../scripts/local-cloud/wiring/wiring';
import { executionArnOf } from '../src/application/execution-views';
import { SfnWorkflowExecutions } from '../src/application/execution-views-sfn';
import { applyTicketEvent } from '../src/application/ticket-snapshots';
import { DynamoDbTicketSnapshotStore } from '../src/application/ticket-snapshots-dynamodb';
import { createWorkflowApp } from '../src/http/app';

const root = path.resolve(import.meta.dirname, '../../..');
const REGION = 'us-east-1';
const secret = 'an-int-test-secret-of-at-least-32-bytes';
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

class TransientError extends Error {
  override name = 'TransientError';
}

let dataDir: string;
let wiring: LocalWiring;
let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let engine: LocalStepFunctions;
let sfnServer: LocalStepFunctionsServer;
let sfn: SFNClient;
let stateMachineArn: string;
let store: DynamoDbTicketSnapshotStore;
let app: ReturnType<typeof createWorkflowApp>;
let consume: ReturnType<typeof createEventConsumer>;
const tokens: Record<'viewer' | 'agent', string> = { viewer: '', agent: '' };
/** What each fake Lambda was called with, by function key. */
const calls = { findDuplicates: [], triageTicket: [], emitOutcome: [] } as Record<'findDuplicates' | 'triageTicket' | 'emitOutcome', { ticket: TicketSnapshot; [key: string]: unknown }[]>;

/**
 * The chain's functions, faked by ARN. A ticket's title scripts them: `[flaky-dedupe]` fails the first
 * dedupe call, `[duplicate]` finds an original, `[broken-triage]` fails every triage.
 */
function fakeLambdas(arns: Record<string, string>) {
  const keyOf = new Map(Object.entries(arns).map(([key, arn]) => [arn, key]));
  return (arn: string, payload: unknown): Promise<unknown> => {
    const key = keyOf.get(arn);
    const input = payload as { ticket: TicketSnapshot; outcome?: string };
    if (key !== 'findDuplicates' && key !== 'triageTicket' && key !== 'emitOutcome') return Promise.reject(new Error(`no such function: ${arn}`));
    const earlier = calls[key].filter((call) => call.ticket.id === input.ticket.id).length;
    calls[key].push(input);
    const { title } = input.ticket;
    switch (key) {
      case 'findDuplicates':
        if (title.includes('[flaky-dedupe]') && earlier === 0) return Promise.reject(new TransientError('index busy'));
        return Promise.resolve({
          contract: 'find-duplicates.v1',
          isDuplicate: title.includes('[duplicate]'),
          best: title.includes('[duplicate]') ? { ticketId: 'TCK-ORIGINAL', title: 'The original', score: 0.97 } : null,
          threshold: 0.9,
          neighbours: [],
        });
      case 'triageTicket':
        if (title.includes('[broken-triage]')) return Promise.reject(new Error('model down'));
        return Promise.resolve({ contract: 'triage.v1', result: { priority: 'high', category: 'billing', provider: 'local', model: 'local-linear' } });
      default:
        return Promise.resolve({ eventId: randomUUID(), type: `ticket.${input.outcome ?? 'unknown'}` });
    }
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'workflow-api-int-'));
  wiring = await loadWiring({
    serviceDirs: [root, ...['dedupe', 'triage', 'workflow'].map((name) => path.join(root, 'services', name))],
    stage: 'test',
    region: REGION,
    accountId: '000000000000',
    queueUrlBase: 'http://127.0.0.1:0',
  });
  const arns = Object.fromEntries(wiring.functions.map((fn) => [fn.key, fn.arn]));

  dynamo = await startDynalite();
  const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials });
  const table = wiring.tables.find((candidate) => candidate.name === 'cogdesk-test-workflow-tickets')!;
  await provisionTables(dynamoClient, [table]);
  store = new DynamoDbTicketSnapshotStore(dynamoClient, table.name);

  engine = new LocalStepFunctions({
    dataDir,
    lambdaInvoker: fakeLambdas(arns),
    putEvents: () => Promise.resolve({ FailedEntryCount: 0, Entries: [] }),
    retryIntervalScale: 0.01,
  });
  const machine = wiring.stateMachines[0]!;
  stateMachineArn = engine.createStateMachine({ name: machine.name, definition: machine.definition });
  sfnServer = await startLocalStepFunctions({ engine });
  sfn = new SFNClient({ endpoint: sfnServer.endpoint, region: REGION, credentials });

  const logger = new RecordingLogger();
  app = createWorkflowApp({ executions: new SfnWorkflowExecutions({ client: sfn, stateMachineArn }), snapshots: store, verifier: createTokenVerifier({ kind: 'local', secret }), logger });
  consume = createEventConsumer({ validate: validateEvent, handle: applyTicketEvent(store), logger });
  const issuer = createLocalTokenIssuer(secret);
  tokens.viewer = await issuer.issue({ sub: 'viewer-1', roles: ['viewer'] });
  tokens.agent = await issuer.issue({ sub: 'agent-1', roles: ['agent'] });
});

afterAll(async () => {
  sfn?.destroy();
  await sfnServer?.stop();
  await engine?.close();
  await dynamo?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function snapshot(id: string, version: number, title: string): TicketSnapshot {
  return {
    id,
    title,
    description: 'Clicking Download PDF on any invoice shows error 500.',
    status: 'open',
    priority: null,
    category: null,
    tags: [],
    assignee: null,
    customer: null,
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: `2026-11-25T09:${String(version).padStart(2, '0')}:00.000Z`,
    resolvedAt: null,
    version,
    triage: { status: 'pending', priority: null, category: null, confidence: null, estimatedResolutionHours: null, recommendedSteps: [], model: null, completedAt: null },
    duplicateOf: null,
    escalation: null,
  };
}

function ticketEvent(type: 'ticket.created' | 'ticket.updated' | 'ticket.status-changed' | 'ticket.deleted', ticket: TicketSnapshot) {
  const data =
    type === 'ticket.updated'
      ? { ticket, changes: [{ field: 'title', from: 'Before', to: ticket.title }] }
      : type === 'ticket.status-changed'
        ? { ticket, from: 'open', to: ticket.status }
        : { ticket };
  return {
    id: randomUUID(),
    type,
    version: 1,
    source: 'cogdesk.tickets',
    time: ticket.updatedAt,
    subject: ticket.id,
    correlationId: randomUUID(),
    causationId: null,
    actor: { type: 'user' as const, id: 'u-1' },
    data,
  };
}

/** Delivers ticket events to the consumer as one SQS batch, as the rule and queue would. */
async function deliver(...events: ReturnType<typeof ticketEvent>[]) {
  return consume(sqsEventOf(events.map((event) => eventBridgeEventOf(event))));
}

/** A ticket the workflow has seen created. */
async function knownTicket(title: string): Promise<TicketSnapshot> {
  const ticket = snapshot(`TCK-${randomUUID().slice(0, 8)}`, 1, title);
  expect(await deliver(ticketEvent('ticket.created', ticket))).toEqual({ batchItemFailures: [] });
  return ticket;
}

async function call<T = Record<string, unknown>>(method: string, route: string, role: 'viewer' | 'agent' | null = 'viewer', headers: Record<string, string> = {}) {
  const response = await app.request(route, { method, headers: { ...(role && { authorization: `Bearer ${tokens[role]}` }), ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

/** Triggers the chain for a ticket and waits until the run is over. */
async function triggerAndWait(ticketId: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await call<{ executionId: string }>('POST', `/api/workflow/trigger/${ticketId}`, 'agent', headers);
  expect(response.status).toBe(202);
  await engine.waitForExecution(executionArnOf(stateMachineArn, response.body.executionId));
  return response.body.executionId;
}

interface Step {
  name: string;
  status: string;
  attempts: number;
  failures: number;
  durationMs: number | null;
  error?: string;
  cause?: string;
}

describe('the ticket snapshot read model', () => {
  it('keeps the highest version however events arrive, and a deletion as a tombstone', async () => {
    const v1 = snapshot('TCK-read-model', 1, 'Invoice PDF fails');
    const v2 = { ...snapshot('TCK-read-model', 2, 'Invoice PDF download fails'), status: 'in_progress' as const };
    const v3 = snapshot('TCK-read-model', 3, 'Invoice PDF download fails');

    expect(await deliver(ticketEvent('ticket.created', v1), ticketEvent('ticket.status-changed', v2))).toEqual({ batchItemFailures: [] });
    // A redelivered older event changes nothing.
    await deliver(ticketEvent('ticket.created', v1));
    expect(await store.get('TCK-read-model')).toMatchObject({ version: 2, deleted: false, ticket: v2 });

    await deliver(ticketEvent('ticket.deleted', v3), ticketEvent('ticket.updated', v2));
    expect(await store.get('TCK-read-model')).toMatchObject({ version: 3, deleted: true, ticket: null });
  });

  it('lets a deletion win over a live snapshot of the same version', async () => {
    const ticket = snapshot('TCK-same-version', 4, 'Same version');
    await deliver(ticketEvent('ticket.updated', ticket));
    await deliver(ticketEvent('ticket.deleted', ticket));

    expect(await store.get('TCK-same-version')).toMatchObject({ version: 4, deleted: true });
    expect(await store.get('TCK-never-seen')).toBeNull();
  });

  it('fails (for redelivery, then the DLQ) an event that breaks its schema, and keeps nothing of it', async () => {
    const broken = { ...ticketEvent('ticket.created', snapshot('TCK-broken', 1, 'Broken')), data: { ticket: { id: 'TCK-broken' } } };

    expect(await consume(sqsEventOf([eventBridgeEventOf(broken)]))).toEqual({ batchItemFailures: [{ itemIdentifier: 'msg-1' }] });
    expect(await store.get('TCK-broken')).toBeNull();
  });
});

describe('POST /api/workflow/trigger/{ticketId}', () => {
  it('starts the real chain on the stored snapshot, carrying the correlation id; the run triages it', async () => {
    const ticket = await knownTicket('Invoice PDF download returns 500');

    const response = await call<{ executionId: string }>('POST', `/api/workflow/trigger/${ticket.id}`, 'agent', { 'x-correlation-id': 'corr-from-caller' });

    expect(response.status).toBe(202);
    expect(response.body.executionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('location')).toBe(`/api/workflow/status/${response.body.executionId}`);
    const finished = await engine.waitForExecution(executionArnOf(stateMachineArn, response.body.executionId));
    expect(finished.status).toBe('SUCCEEDED');
    // The definition found what it reads in the input: the ticket, the correlation id and the cause.
    expect(calls.findDuplicates.at(-1)).toEqual({ ticket });
    const report = calls.emitOutcome.at(-1)!;
    const input = JSON.parse(finished.input!) as { detail: { id: string } };
    expect(report).toMatchObject({ outcome: 'triaged', ticket, correlationId: 'corr-from-caller', causationId: input.detail.id });
  });

  it('is 404 for a ticket the workflow has not seen, or one deleted since', async () => {
    const deleted = await knownTicket('Soon deleted');
    await deliver(ticketEvent('ticket.deleted', { ...deleted, version: 2 }));

    for (const ticketId of ['TCK-unknown', deleted.id]) {
      const response = await call('POST', `/api/workflow/trigger/${ticketId}`, 'agent');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.body).toMatchObject({ status: 404, title: 'Not Found' });
    }
  });

  it('needs the agent role, a token, and a valid ticket id', async () => {
    const ticket = await knownTicket('Who may trigger');

    expect((await call('POST', `/api/workflow/trigger/${ticket.id}`, 'viewer')).status).toBe(403);
    expect((await call('POST', `/api/workflow/trigger/${ticket.id}`, null)).status).toBe(401);
    const invalid = await call('POST', '/api/workflow/trigger/not%20valid!', 'agent');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ errors: [{ path: 'path.ticketId' }] });
    const tooLong = await call('POST', `/api/workflow/trigger/${ticket.id}`, 'agent', { 'x-correlation-id': 'x'.repeat(129) });
    expect(tooLong.body).toMatchObject({ status: 400, errors: [{ path: 'header.x-correlation-id' }] });
  });
});

describe('GET /api/workflow/status/{executionId}', () => {
  it('shows a triaged run: every step succeeded, with a retry counted, timings and the output', async () => {
    const ticket = await knownTicket('[flaky-dedupe] Checkout crashes');
    const executionId = await triggerAndWait(ticket.id);

    const response = await call<{ status: string; ticketId: string; durationMs: number; stoppedAt: string; steps: Step[]; output: unknown }>(
      'GET',
      `/api/workflow/status/${executionId}`,
    );

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ executionId, ticketId: ticket.id, status: 'succeeded', stoppedAt: expect.any(String) });
    expect(response.body.durationMs).toBeGreaterThanOrEqual(0);
    expect(response.body.steps.map((step) => [step.name, step.status, step.attempts, step.failures])).toEqual([
      ['FindDuplicates', 'succeeded', 2, 1],
      ['IsDuplicate', 'succeeded', 0, 0],
      ['Triage', 'succeeded', 1, 0],
      ['ReportTriaged', 'succeeded', 1, 0],
    ]);
    expect(response.body.steps.every((step) => step.durationMs !== null && step.durationMs >= 0)).toBe(true);
    // The last state's result: what ReportTriaged published.
    expect(response.body.output).toEqual({ eventId: expect.any(String), type: 'ticket.triaged' });
  });

  it('shows a run whose triage kept failing: the failed step with its attempts and message, the report, and the error', async () => {
    const ticket = await knownTicket('[broken-triage] Login spins');
    const executionId = await triggerAndWait(ticket.id);

    const response = await call<{ status: string; error: string; cause: string; steps: Step[] }>('GET', `/api/workflow/status/${executionId}`);

    expect(response.body).toMatchObject({ status: 'failed', error: 'TriageFailed', cause: expect.stringContaining('triage-failed') });
    expect(response.body.steps.map((step) => [step.name, step.status])).toEqual([
      ['FindDuplicates', 'succeeded'],
      ['IsDuplicate', 'succeeded'],
      ['Triage', 'failed'],
      ['ReportFailure', 'succeeded'],
      ['TriageFailed', 'failed'],
    ]);
    expect(response.body.steps[2]).toMatchObject({ attempts: 4, failures: 4, error: 'Error', cause: 'model down' });
  });

  it('shows a duplicate closed by ReportDuplicate, without triage', async () => {
    const ticket = await knownTicket('[duplicate] Invoice PDF 500 again');
    const executionId = await triggerAndWait(ticket.id);

    const response = await call<{ status: string; steps: Step[] }>('GET', `/api/workflow/status/${executionId}`);

    expect(response.body.steps.map((step) => step.name)).toEqual(['FindDuplicates', 'IsDuplicate', 'ReportDuplicate']);
    expect(calls.emitOutcome.at(-1)).toMatchObject({ outcome: 'duplicate', duplicates: { best: { ticketId: 'TCK-ORIGINAL' } } });
  });

  it('is 404 for an unknown execution, and 400 for a malformed id or an unknown query field', async () => {
    expect((await call('GET', `/api/workflow/status/${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', '/api/workflow/status/bad%3Aid')).body).toMatchObject({ status: 400, errors: [{ path: 'path.executionId' }] });
    expect((await call('GET', `/api/workflow/status/${randomUUID()}?verbose=1`)).body).toMatchObject({ status: 400, errors: [{ path: 'query.verbose' }] });
    expect((await call('GET', `/api/workflow/status/${randomUUID()}`, null)).status).toBe(401);
  });
});

describe('GET /api/workflow/executions', () => {
  interface Page {
    items: { executionId: string; ticketId: string | null; status: string; startedAt: string; stoppedAt: string | null }[];
    nextCursor: string | null;
  }

  it("lists a ticket's runs newest first, including runs the EventBridge rule started", async () => {
    const ticket = await knownTicket('Two runs');
    // As the rule delivers ticket.created: the EventBridge event itself is the input.
    const created = eventBridgeEventOf(ticketEvent('ticket.created', ticket));
    const byRule = engine.startExecution({ stateMachineArn, name: randomUUID(), input: JSON.stringify(created) });
    await engine.waitForExecution(byRule.executionArn);
    const byHand = await triggerAndWait(ticket.id);

    const response = await call<Page>('GET', `/api/workflow/executions?ticketId=${ticket.id}`);

    expect(response.status).toBe(200);
    expect(response.body.items.map((item) => item.executionId)).toEqual([byHand, byRule.executionArn.split(':').at(-1)]);
    expect(response.body.items[0]).toMatchObject({ ticketId: ticket.id, status: 'succeeded', stoppedAt: expect.any(String) });
    expect(response.body.nextCursor).toBeNull();
  });

  it('filters by status and pages with a cursor, newest first', async () => {
    const failing = await knownTicket('[broken-triage] Paged');
    const runs = [await triggerAndWait(failing.id), await triggerAndWait(failing.id), await triggerAndWait(failing.id)];

    const first = await call<Page>('GET', `/api/workflow/executions?status=failed&limit=2&ticketId=${failing.id}`);
    const second = await call<Page>('GET', `/api/workflow/executions?status=failed&limit=2&ticketId=${failing.id}&cursor=${first.body.nextCursor}`);

    expect(first.body.items.map((item) => item.executionId)).toEqual([runs[2], runs[1]]);
    expect(first.body.items.every((item) => item.status === 'failed')).toBe(true);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(second.body.items.map((item) => item.executionId)).toEqual([runs[0]]);
    const succeeded = await call<Page>('GET', `/api/workflow/executions?status=succeeded&ticketId=${failing.id}`);
    expect(succeeded.body.items).toEqual([]);
  });

  it('pages through all executions without a filter, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page } = await call<Page>('GET', `/api/workflow/executions?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((item) => item.executionId));
      cursor = page.body.nextCursor;
    } while (cursor);

    const { executions = [] } = engine.listExecutions({ stateMachineArn, maxResults: 1000 });
    expect(seen).toEqual(executions.map((execution) => execution.name));
  });

  it('bounds the scan for a ticket filter, and its cursor continues the scan', async () => {
    const bounded = createWorkflowApp({
      executions: new SfnWorkflowExecutions({ client: sfn, stateMachineArn, maxScan: 2 }),
      snapshots: store,
      verifier: createTokenVerifier({ kind: 'local', secret }),
      logger: new RecordingLogger(),
    });
    const ticket = await knownTicket('Found by scanning');
    const target = await triggerAndWait(ticket.id);
    const newer = await knownTicket('Newer runs in the way');
    await triggerAndWait(newer.id);
    await triggerAndWait(newer.id);

    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const response = await bounded.request(`/api/workflow/executions?ticketId=${ticket.id}&limit=5${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${tokens.viewer}` },
      });
      const page = (await response.json()) as Page;
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);

    expect(pages[0]).toEqual({ items: [], nextCursor: expect.any(String) });
    expect(pages[1]!.items.map((item) => item.executionId)).toEqual([target]);
  });

  it('rejects limits outside 1..100, unknown fields and statuses, and a cursor it did not make', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=two', 'sort=asc', 'status=done', 'ticketId=bad%20id', 'cursor=not-a-cursor']) {
      const response = await call('GET', `/api/workflow/executions?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes every workflow route, for the gateway to merge into /api/openapi.json', () => {
    const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Cogdesk API', version: '1' } });

    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/api/agents/health',
      '/api/workflow/executions',
      '/api/workflow/status/{executionId}',
      '/api/workflow/trigger/{ticketId}',
    ]);
  });
});

describe('GET /api/agents/health', () => {
  interface Health {
    window: { executions: number; limit: number; since: string | null };
    agents: {
      name: string;
      status: string;
      invocations: number;
      errors: number;
      p95Ms: number | null;
      lastSuccessAt: string | null;
      lastErrorAt: string | null;
      lastError: { error: string; cause: string | null } | null;
      provider: string | null;
    }[];
  }

  it('reports both agents from the recent executions, and says which window it read', async () => {
    const broken = await knownTicket('[broken-triage] Health check');
    await triggerAndWait(broken.id);

    const response = await call<Health>('GET', '/api/agents/health');

    expect(response.status).toBe(200);
    const total = engine.listExecutions({ stateMachineArn, maxResults: 1000 }).executions.length;
    expect(response.body.window).toEqual({ executions: Math.min(total, 50), limit: 50, since: expect.any(String) });
    const [dedupe, triage] = response.body.agents;
    expect(dedupe).toMatchObject({ name: 'dedupe', provider: 'local-lexical', lastSuccessAt: expect.any(String), p95Ms: expect.any(Number) });
    expect(dedupe!.invocations).toBeGreaterThanOrEqual(1);
    // The most recent triage failed four times in a row.
    expect(triage).toMatchObject({ name: 'triage', provider: 'local', lastError: { error: 'Error', cause: 'model down' }, lastErrorAt: expect.any(String) });
    expect(triage!.errors).toBeGreaterThanOrEqual(4);
    expect(['degraded', 'failing']).toContain(triage!.status);
  });

  it('reads only as many executions as `window` asks, and rejects a window outside 1..100', async () => {
    const response = await call<Health>('GET', '/api/agents/health?window=1');

    expect(response.body.window).toMatchObject({ executions: 1, limit: 1 });
    expect((await call('GET', '/api/agents/health?window=0')).status).toBe(400);
    expect((await call('GET', '/api/agents/health?window=101')).status).toBe(400);
    expect((await call('GET', '/api/agents/health?windows=5')).status).toBe(400);
  });
});
