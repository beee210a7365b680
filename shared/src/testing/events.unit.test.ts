import { describe, expect, it } from 'vitest';
import { anEvent, eventBridgeEventOf, sqsEventOf, validateEnvelopeShape } from './events';

describe('test builders', () => {
  it('builds envelopes that pass the shape check, each with its own id', () => {
    const [first, second] = [anEvent(), anEvent({ subject: 't-7', causationId: 'e-1' })];

    expect(validateEnvelopeShape(first)).toEqual({ ok: true });
    expect(validateEnvelopeShape(second)).toEqual({ ok: true });
    expect(first.id).not.toBe(second.id);
    expect(second).toMatchObject({ subject: 't-7', causationId: 'e-1' });
  });

  it('wraps an envelope as EventBridge delivers it', () => {
    const event = anEvent({ type: 'ticket.triaged', version: 2 });

    expect(eventBridgeEventOf(event)).toMatchObject({ 'detail-type': 'ticket.triaged.v2', source: event.source, detail: event });
  });

  it('builds an SQS batch with numbered message ids and raw string bodies kept as they are', () => {
    const bridged = eventBridgeEventOf(anEvent());

    const { Records } = sqsEventOf([bridged, '{oops'], 2);

    expect(Records.map((record) => record.messageId)).toEqual(['msg-1', 'msg-2']);
    expect(JSON.parse(Records[0]!.body)).toEqual(bridged);
    expect(Records[1]!.body).toBe('{oops');
    expect(Records[0]!.attributes.ApproximateReceiveCount).toBe('2');
  });

  it('names what is wrong with an envelope', () => {
    const result = validateEnvelopeShape({ ...anEvent(), id: '', version: '1', causationId: 3, actor: null });

    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'id', message: 'expected a non-empty string' },
        { path: 'version', message: 'expected an integer' },
        { path: 'causationId', message: 'expected a string or null' },
        { path: 'actor', message: 'expected an object' },
      ],
    });
    expect(validateEnvelopeShape('nope')).toEqual({ ok: false, errors: [{ path: '', message: 'expected an object' }] });
  });
});
