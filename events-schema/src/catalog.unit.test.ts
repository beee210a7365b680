import { detailTypeOf, type EventEnvelope } from '@cogdesk/shared/events/envelope';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { listSchemaFiles, parseEventSchemaPath, readJsonFile } from '../scripts/schema-files';
import { catalog, latestVersionOf } from './catalog';
import type { CogdeskEvent, EventOfType, PublishedEvent, TriageResult } from './types';
import { validateEvent } from './validate';

describe('catalog', () => {
  it('lists every event schema file once', () => {
    const files = listSchemaFiles()
      .map(parseEventSchemaPath)
      .filter((event) => event !== null);
    expect(catalog.map(({ type, version }) => ({ type, version }))).toEqual(
      files.map(({ type, version }) => ({ type, version })),
    );
  });

  it('names detail-types the way the shared envelope does', () => {
    for (const entry of catalog) expect(entry.detailType).toBe(detailTypeOf(entry));
  });

  it('gives each event its producer as source and its schema $id', () => {
    expect(catalog.map(({ detailType, source, schemaId }) => [detailType, source, schemaId])).toEqual([
      ['ticket.created.v1', 'cogdesk.tickets', 'https://cogdesk.dev/events/ticket/created/v1.schema.json'],
      ['ticket.deleted.v1', 'cogdesk.tickets', 'https://cogdesk.dev/events/ticket/deleted/v1.schema.json'],
      [
        'ticket.duplicate-detected.v1',
        'cogdesk.workflow',
        'https://cogdesk.dev/events/ticket/duplicate-detected/v1.schema.json',
      ],
      ['ticket.escalated.v1', 'cogdesk.escalation', 'https://cogdesk.dev/events/ticket/escalated/v1.schema.json'],
      [
        'ticket.status-changed.v1',
        'cogdesk.tickets',
        'https://cogdesk.dev/events/ticket/status-changed/v1.schema.json',
      ],
      ['ticket.triage-failed.v1', 'cogdesk.workflow', 'https://cogdesk.dev/events/ticket/triage-failed/v1.schema.json'],
      [
        'ticket.triage-requested.v1',
        'cogdesk.tickets',
        'https://cogdesk.dev/events/ticket/triage-requested/v1.schema.json',
      ],
      ['ticket.triaged.v1', 'cogdesk.workflow', 'https://cogdesk.dev/events/ticket/triaged/v1.schema.json'],
      ['ticket.updated.v1', 'cogdesk.tickets', 'https://cogdesk.dev/events/ticket/updated/v1.schema.json'],
    ]);
  });

  it('knows the latest version of each type', () => {
    expect(latestVersionOf('ticket.created')).toBe(1);
    expect(latestVersionOf('ticket.exploded')).toBeUndefined();
  });
});

describe('generated types', () => {
  it('fit the shared EventEnvelope', () => {
    expectTypeOf<PublishedEvent>().toExtend<EventEnvelope>();
    expectTypeOf<EventOfType<'ticket.triaged'>['data']['triage']>().toEqualTypeOf<TriageResult>();
  });

  it('narrow a validated event by its type', () => {
    const result = validateEvent(readJsonFile('ticket/escalated/examples/critical-after-60-minutes.json'));
    const event: CogdeskEvent | undefined = result.ok ? result.event : undefined;
    expect(event?.type === 'ticket.escalated' && event.data.rule).toEqual({ priority: 'critical', afterMinutes: 60 });
  });
});
