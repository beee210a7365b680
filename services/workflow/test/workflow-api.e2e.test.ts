import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../scripts/local-cloud/local-cloud';
import { defaultServiceDirs } from '../../../scripts/service-dirs';

const root = path.resolve(import.meta.dirname, '../../..');
const secret = 'an-e2e-secret-of-at-least-32-bytes!!';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Ticket {
  id: string;
  triage: { status: string } | null;
}

interface ExecutionPage {
  items: { executionId: string; ticketId: string | null; status: string; startedAt: string; stoppedAt: string | null }[];
}

interface Execution {
  executionId: string;
  ticketId: string;
  status: string;
  steps: { name: string; status: string; attempts: number }[];
}

interface AgentHealth {
  window: { executions: number; limit: number };
  agents: { name: string; status: string; invocations: number; errors: number; p95Ms: number | null; provider: string | null }[];
}

let dataDir: string;
let cloud: LocalCloud;
let token: string;

async function api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${cloud.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time; last: ${JSON.stringify(value).slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'workflow-api-e2e-'));
  cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), logger: silent, environment: { AUTH_LOCAL_SECRET: secret } });
  token = await createLocalTokenIssuer(secret).issue({ sub: 'e2e', roles: ['admin'] });
});

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the workflow API, end to end through HTTP', () => {
  it("shows a new ticket's run and the agents' health, and re-runs the chain on request", async () => {
    const created = await api<Ticket>('POST', '/api/tickets', {
      title: 'Invoice PDF download returns error 500',
      description: "Clicking 'Download PDF' on any invoice in the billing portal shows 'Something went wrong (500)' since this morning.",
    });
    expect(created.status).toBe(201);
    const ticketId = created.body.id;
    await eventually(
      () => api<Ticket>('GET', `/api/tickets/${ticketId}`),
      (response) => response.body.triage?.status === 'completed',
    );

    // The run the ticket's creation started, found by its ticket.
    const runs = await eventually(
      () => api<ExecutionPage>('GET', `/api/workflow/executions?ticketId=${ticketId}`),
      (response) => response.body.items[0]?.status === 'succeeded',
    );
    expect(runs.body.items).toHaveLength(1);
    const first = runs.body.items[0]!;
    expect(first).toMatchObject({ ticketId, stoppedAt: expect.any(String) });

    const status = await api<Execution>('GET', `/api/workflow/status/${first.executionId}`);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ executionId: first.executionId, ticketId, status: 'succeeded' });
    const stepStatus = Object.fromEntries(status.body.steps.map((step) => [step.name, step.status]));
    expect(stepStatus).toMatchObject({ FindDuplicates: 'succeeded', Triage: 'succeeded', ReportTriaged: 'succeeded' });

    const health = await api<AgentHealth>('GET', '/api/agents/health');
    expect(health.status).toBe(200);
    expect(health.body.window).toMatchObject({ limit: 50 });
    expect(health.body.window.executions).toBeGreaterThanOrEqual(1);
    const agents = Object.fromEntries(health.body.agents.map((agent) => [agent.name, agent]));
    expect(agents.dedupe!.invocations).toBeGreaterThanOrEqual(1);
    expect(agents.triage!.invocations).toBeGreaterThanOrEqual(1);
    expect(agents.triage).toMatchObject({ status: 'healthy', errors: 0, provider: expect.any(String), p95Ms: expect.any(Number) });

    // Triggered by hand: a second run of the same ticket, which the API lists first.
    // The workflow learns of tickets from their events: its read model may trail the ticket by a moment.
    const triggered = await eventually(
      () => api<{ executionId: string }>('POST', `/api/workflow/trigger/${ticketId}`),
      (response) => response.status !== 404,
    );
    expect(triggered.status).toBe(202);
    const rerun = await eventually(
      () => api<Execution>('GET', `/api/workflow/status/${triggered.body.executionId}`),
      (response) => response.status === 200 && response.body.status !== 'running',
    );
    expect(rerun.body).toMatchObject({ ticketId, status: 'succeeded' });
    const both = await api<ExecutionPage>('GET', `/api/workflow/executions?ticketId=${ticketId}`);
    expect(both.body.items.map((item) => item.executionId)).toEqual([triggered.body.executionId, first.executionId]);
  });
});
