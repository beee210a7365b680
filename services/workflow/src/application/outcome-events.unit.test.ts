import { validateEvent } from '@cogdesk/events-schema';
import { aTicket } from '@cogdesk/shared/testing/ticket-events';
import { describe, expect, it } from 'vitest';
import { outcomeEvent, type OutcomeInput } from './outcome-events';

const ticket = aTicket({ id: 'T-2' });
const common = { ticket, executionId: 'arn:aws:states:us-east-1:000000000000:execution:chain:run-1', correlationId: 'corr-1', causationId: 'evt-1' };
const context = { id: 'out-1', now: '2026-11-25T10:00:00.000Z' };

describe('outcomeEvent', () => {
  it('reports a duplicate with the neighbours that explain it', () => {
    const event = outcomeEvent(
      { ...common, outcome: 'duplicate', duplicates: { best: { ticketId: 'T-1', score: 0.97 }, threshold: 0.9, neighbours: [{ ticketId: 'T-1', title: 'Same', score: 0.97 }] } },
      context,
    );
    expect(event).toMatchObject({ type: 'ticket.duplicate-detected', subject: 'T-2', correlationId: 'corr-1', causationId: 'evt-1', data: { duplicateOf: 'T-1', score: 0.97 } });
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });

  it('reports a triage result', () => {
    const input: OutcomeInput = {
      ...common,
      outcome: 'triaged',
      triage: {
        result: { priority: 'high', category: 'billing', confidence: 0.8, estimatedResolutionHours: 4, recommendedSteps: ['Refund'], provider: 'local', model: 'm', promptVersion: 'p', neighbours: [] },
      },
    };
    const event = outcomeEvent(input, context);
    expect(event).toMatchObject({ type: 'ticket.triaged', data: { ticketId: 'T-2', executionId: common.executionId, triage: { priority: 'high' } } });
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });

  it('reports a failure with the Lambda error message, not its JSON wrapping', () => {
    const event = outcomeEvent(
      { ...common, outcome: 'failed', attempts: 4, error: { Error: 'TimeoutError', Cause: JSON.stringify({ errorType: 'TimeoutError', errorMessage: 'model took too long' }) } },
      context,
    );
    expect(event).toMatchObject({ type: 'ticket.triage-failed', data: { error: { type: 'TimeoutError', message: 'model took too long' }, attempts: 4 } });
    expect(validateEvent(event)).toMatchObject({ ok: true });
  });
});
