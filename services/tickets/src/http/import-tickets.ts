/**
 * Bulk import of historical tickets: each line is validated and decided on its own, so one bad line
 * neither stops the import nor hides the others' errors; the valid ones are stored in a few batched
 * writes (each ticket still one atomic document with its outbox). Ids already present are skipped, which makes a
 * re-run of the same file safe.
 */
import { fieldErrorsOf, ValidationError, type ProblemFieldError } from '@cogdesk/shared/http/problem';
import { decide, evolve, TicketDomainError, type CommandContext, type TicketState } from '../domain';
import type { TicketCommit, TicketStore } from '../store/ticket-store';
import { ImportedTicket } from './schemas';

export const MAX_IMPORT_TICKETS = 10_000;
// Tickets per insertMany: big enough to amortise a round trip, small enough to keep each write brief.
const CREATES_PER_WRITE = 500;

export interface ImportReport {
  created: number;
  skipped: number;
  failed: number;
  errors: { line: number; id?: string; errors: ProblemFieldError[] }[];
}

/** The body's tickets as `[line, value]`: NDJSON lines (blank ones ignored) or the items of a JSON array. */
export function parseImportBody(text: string, contentType: string): [number, unknown][] {
  const isNdjson = /ndjson|jsonl/i.test(contentType);
  let entries: [number, unknown][];
  if (isNdjson) {
    entries = [];
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        entries.push([index + 1, JSON.parse(line)]);
      } catch {
        entries.push([index + 1, new SyntaxError('not valid JSON')]);
      }
    }
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ValidationError([{ path: 'body', message: 'not valid JSON (send a JSON array, or NDJSON as application/x-ndjson)' }]);
    }
    if (!Array.isArray(parsed)) throw new ValidationError([{ path: 'body', message: 'expected a JSON array of tickets' }]);
    entries = parsed.map((value, index) => [index + 1, value]);
  }
  if (entries.length === 0) throw new ValidationError([{ path: 'body', message: 'no tickets to import' }]);
  if (entries.length > MAX_IMPORT_TICKETS) {
    throw new ValidationError([{ path: 'body', message: `at most ${MAX_IMPORT_TICKETS} tickets per import, got ${entries.length}` }]);
  }
  return entries;
}

export async function importTickets(
  store: TicketStore,
  entries: [number, unknown][],
  context: () => CommandContext,
  newTicketId: () => string,
): Promise<{ report: ImportReport; createdIds: string[] }> {
  const report: ImportReport = { created: 0, skipped: 0, failed: 0, errors: [] };
  const createdIds: string[] = [];
  const idsInFile = new Set<string>();
  const importOne = ([line, value]: [number, unknown]) => {
    if (value instanceof SyntaxError) {
      report.failed++;
      report.errors.push({ line, errors: [{ path: '', message: value.message }] });
      return;
    }
    const parsed = ImportedTicket.safeParse(value);
    if (!parsed.success) {
      report.failed++;
      const id = (value as { id?: unknown } | null)?.id;
      report.errors.push({ line, ...(typeof id === 'string' ? { id } : {}), errors: fieldErrorsOf(parsed.error.issues) });
      return;
    }
    const ticket = parsed.data;
    const ticketId = ticket.id ?? newTicketId();
    // A repeat of an id earlier in the file is the same ticket again: skipped, as one already stored is.
    if (idsInFile.has(ticketId)) {
      report.skipped++;
      return;
    }
    idsInFile.add(ticketId);
    try {
      const events = decide(
        {
          type: 'CreateTicket',
          ticketId,
          title: ticket.title,
          description: ticket.description,
          priority: ticket.priority ?? null,
          category: ticket.category ?? null,
          tags: ticket.tags ?? [],
          assignee: ticket.assignee ?? null,
          customer: ticket.customer ?? null,
          imported: {
            status: ticket.status,
            createdAt: ticket.createdAt,
            ...(ticket.updatedAt ? { updatedAt: ticket.updatedAt } : {}),
            ...(ticket.resolvedAt !== undefined ? { resolvedAt: ticket.resolvedAt } : {}),
          },
        },
        null,
        context(),
      );
      const state = events.reduce<TicketState | null>(evolve, null)!;
      commits.push({ ticketId, expectedVersion: null, state, events });
    } catch (error) {
      if (!(error instanceof TicketDomainError)) throw error;
      report.failed++;
      report.errors.push({ line, id: ticketId, errors: [{ path: '', message: error.message }] });
    }
  };
  const commits: TicketCommit[] = [];
  entries.forEach(importOne);
  for (let start = 0; start < commits.length; start += CREATES_PER_WRITE) {
    const batch = commits.slice(start, start + CREATES_PER_WRITE);
    const { existing } = await store.createMany(batch);
    report.skipped += existing.length;
    report.created += batch.length - existing.length;
    const skipped = new Set(existing);
    for (const commit of batch) if (!skipped.has(commit.ticketId)) createdIds.push(commit.ticketId);
  }
  report.errors.sort((a, b) => a.line - b.line);
  return { report, createdIds };
}
