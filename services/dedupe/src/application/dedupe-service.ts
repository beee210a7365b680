/**
 * The dedupe service's use cases: keep the index in step with ticket events (idempotent and order-safe by
 * ticket version), answer the workflow's FindDuplicates task, and list a ticket's similar tickets.
 */
import type { Actor, CogdeskEvent, TicketChange, TicketSnapshot } from '@cogdesk/events-schema';
import { notDuplicateOfAfter } from '@cogdesk/shared/events/duplicate-links';
import { isDuplicate, type SimilarTicket, type TicketDocument } from '../domain/duplicate-detector';
import type { SimilarTickets } from '../similar-tickets';

/** What the FindDuplicates task gets (task contract v1). */
export interface FindDuplicatesInput {
  ticket: TicketSnapshot;
}

export interface Neighbour {
  ticketId: string;
  title: string;
  /** Estimated probability, 0..1, that the two tickets report the same problem. */
  score: number;
}

/** What the FindDuplicates task returns (task contract v1). */
export interface FindDuplicatesOutput {
  contract: 'find-duplicates.v1';
  isDuplicate: boolean;
  best: Neighbour | null;
  threshold: number;
  neighbours: Neighbour[];
}

export interface IndexState {
  /** The highest ticket version applied per ticket, deletions included: older events change nothing. */
  versions: Record<string, number>;
  /**
   * Per ticket, the tickets a person unlinked it from as their duplicate: never offered as its original
   * again, so the chain triages it instead (optional: states saved before it have none).
   */
  notDuplicateOf?: Record<string, string[]>;
}

export interface DedupeStorage {
  /** Persists the index after changes (may batch them). */
  changed(): void;
}

export const NEIGHBOURS_RECORDED = 5;

export function documentOf(ticket: TicketSnapshot): TicketDocument {
  return { ticketId: ticket.id, title: ticket.title, description: ticket.description, createdAt: ticket.createdAt };
}

function neighbourOf(match: SimilarTicket): Neighbour {
  return { ticketId: match.ticketId, title: match.title, score: Number(match.score.toFixed(4)) };
}

export class DedupeService {
  /** Tickets whose last indexing failed part-way (e.g. the embedding call): redelivery must index them again. */
  private readonly incompletelyIndexed = new Set<string>();

  constructor(
    private readonly similar: SimilarTickets,
    private readonly state: IndexState,
    private readonly storage: DedupeStorage,
    readonly threshold: number,
  ) {}

  get size(): number {
    return this.similar.detector.size;
  }

  /** Applies a ticket event to the index; returns whether it changed anything. */
  async apply(event: CogdeskEvent): Promise<boolean> {
    switch (event.type) {
      case 'ticket.created':
        return this.upsert(event.data.ticket);
      case 'ticket.updated': {
        const fresh = (this.state.versions[event.data.ticket.id] ?? 0) < event.data.ticket.version;
        if (fresh) this.rememberUnlinks(event.data.ticket.id, event.data.changes, event.actor);
        return this.upsert(event.data.ticket);
      }
      case 'ticket.deleted': {
        const { id, version } = event.data.ticket;
        if ((this.state.versions[id] ?? 0) >= version) return false;
        await this.similar.remove(id);
        // Recorded only once applied, so a failure leaves the event to be applied again on redelivery.
        this.state.versions[id] = version;
        this.storage.changed();
        return true;
      }
      case 'ticket.status-changed':
      case 'ticket.triage-requested':
      case 'ticket.triaged':
      case 'ticket.triage-failed':
      case 'ticket.duplicate-detected':
      case 'ticket.escalated':
        return false;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }

  private rememberUnlinks(ticketId: string, changes: readonly TicketChange[], actor: Actor): void {
    const notDuplicateOf = (this.state.notDuplicateOf ??= {});
    const after = notDuplicateOfAfter(notDuplicateOf[ticketId] ?? [], changes, actor);
    if (after.length > 0) notDuplicateOf[ticketId] = after;
    else delete notDuplicateOf[ticketId];
  }

  private async upsert(ticket: TicketSnapshot): Promise<boolean> {
    if ((this.state.versions[ticket.id] ?? 0) >= ticket.version) return false;
    const indexed = this.similar.detector.get(ticket.id);
    // Most updates change status or assignee: only a changed text (or an earlier failed attempt) needs indexing.
    const textChanged = !indexed || indexed.title !== ticket.title || indexed.description !== ticket.description;
    if (textChanged || this.incompletelyIndexed.has(ticket.id)) {
      this.incompletelyIndexed.add(ticket.id);
      await this.similar.upsert(documentOf(ticket));
      this.incompletelyIndexed.delete(ticket.id);
    }
    // Recorded only once indexed, so a failure leaves the event to be applied again on redelivery.
    this.state.versions[ticket.id] = ticket.version;
    this.storage.changed();
    return true;
  }

  /**
   * The likeliest duplicates of a ticket among the OLDER tickets (the original of a duplicate came first),
   * judged on its current text, whether or not the index has seen it yet; never one a person unlinked it from.
   */
  async findDuplicates(input: FindDuplicatesInput): Promise<FindDuplicatesOutput> {
    const { ticket } = input;
    const matches = await this.similar.findSimilar(
      { ticketId: ticket.id, title: ticket.title, description: ticket.description, createdAt: ticket.createdAt },
      NEIGHBOURS_RECORDED * 2,
    );
    const rejected = new Set(this.state.notDuplicateOf?.[ticket.id]);
    const older = matches
      .filter((match) => !rejected.has(match.ticketId) && (this.similar.detector.get(match.ticketId)?.createdAt ?? '') <= ticket.createdAt)
      .slice(0, NEIGHBOURS_RECORDED);
    const best = older[0];
    return {
      contract: 'find-duplicates.v1',
      isDuplicate: isDuplicate(best, this.threshold),
      best: best ? neighbourOf(best) : null,
      threshold: this.threshold,
      neighbours: older.map(neighbourOf),
    };
  }

  /** Similar tickets of an indexed ticket, best first; null when the ticket is not indexed. */
  async similarTo(ticketId: string, limit: number): Promise<(Neighbour & { signals: SimilarTicket['signals'] })[] | null> {
    if (!this.similar.detector.get(ticketId)) return null;
    const matches = await this.similar.findSimilar({ ticketId }, limit);
    return matches.map((match) => ({ ...neighbourOf(match), signals: match.signals }));
  }
}
