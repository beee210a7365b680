import { describe, expect, it } from 'vitest';
import { runsInApiProcess } from './placement';
import type { FunctionSpec } from './wiring/wiring';

const fn = (service: string, ...kinds: string[]) => ({ service, triggers: kinds.map((kind) => ({ kind })) }) as unknown as FunctionSpec;

describe('placement of functions between the API and backend processes', () => {
  it('runs the whole tickets service in the API process: routes, consumer and outbox sweep', () => {
    expect(runsInApiProcess(fn('cogdesk-tickets', 'http'))).toBe(true);
    expect(runsInApiProcess(fn('cogdesk-tickets', 'sqs'))).toBe(true);
    expect(runsInApiProcess(fn('cogdesk-tickets', 'schedule'))).toBe(true);
  });

  it('runs other services’ routes in the API process and the rest of their functions in the backend', () => {
    expect(runsInApiProcess(fn('cogdesk-workflow', 'http'))).toBe(true);
    expect(runsInApiProcess(fn('cogdesk-workflow', 'sqs'))).toBe(false);
    expect(runsInApiProcess(fn('cogdesk-workflow'))).toBe(false);
    expect(runsInApiProcess(fn('cogdesk-escalation', 'schedule'))).toBe(false);
  });

  it('runs the cognitive services, and any service named for the backend, whole in the backend', () => {
    expect(runsInApiProcess(fn('cogdesk-dedupe', 'http'))).toBe(false);
    expect(runsInApiProcess(fn('cogdesk-triage', 'sqs'))).toBe(false);
    expect(runsInApiProcess(fn('cogdesk-tickets', 'sqs'), ['cogdesk-tickets'])).toBe(false);
  });
});
