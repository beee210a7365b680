import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCloud, type TestCloud } from '../../../scripts/local-cloud/testing';

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

let system: TestCloud;
const api: TestCloud['api'] = (method, route, body) => system.api(method, route, body);

beforeAll(async () => {
  system = await startTestCloud('workflow-api-e2e');
});

afterAll(async () => {
  await system?.stop();
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
