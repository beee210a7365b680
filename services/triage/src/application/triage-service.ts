/**
 * The triage service's use cases: learn the deployment's labels from ticket events (imports, and every
 * priority or category a person sets or corrects), and answer the workflow's Triage task.
 */
import type { CogdeskEvent, TicketSnapshot, TriageResult as PublishedTriageResult } from '@cogdesk/events-schema';
import type { TriageModel } from '../domain/triage-model';
import type { LabelledExample, Priority } from '../domain/types';
import type { TriageProvider } from '../ports/triage-provider';
import { triageInput } from '../triage-input';

/** What a person (or an import) said about a ticket, kept so a later correction of one label keeps the other. */
export interface TicketLabels {
  priority?: Priority;
  category?: string;
  resolutionHours?: number;
}

export interface LearningState {
  labels: Record<string, TicketLabels>;
  /** The highest ticket version seen per ticket: the ticket's text and resolution come from that one only. */
  versions: Record<string, number>;
  /**
   * Per ticket and label, the version of the event that last said it. Queues may deliver events out of order,
   * so a label is taken from an older event than the newest seen, unless a newer event already said that label
   * (optional: states saved before it have none).
   */
  labelVersions?: Record<string, { priority?: number; category?: number }>;
}

export interface TriageStorage {
  changed(): void;
}

/** What the Triage task gets (task contract triage.v1). */
export interface TriageTaskInput {
  ticket: TicketSnapshot;
  /** The dedupe neighbours the workflow found, recorded with the result. */
  neighbours?: { ticketId: string; score: number; title?: string }[];
}

export interface TriageTaskOutput {
  contract: 'triage.v1';
  result: PublishedTriageResult;
}

/** Published results need a category; before any label was seen there is none to give. */
export const UNCATEGORIZED = 'uncategorized';

function hoursBetween(from: string, to: string | null): number | undefined {
  if (!to) return undefined;
  const hours = (Date.parse(to) - Date.parse(from)) / 3_600_000;
  return Number.isFinite(hours) && hours >= 0 ? hours : undefined;
}

export class TriageService {
  constructor(
    private readonly model: TriageModel,
    private readonly provider: TriageProvider,
    private readonly state: LearningState,
    private readonly storage: TriageStorage,
  ) {}

  /** Learns from a ticket event; returns whether the model changed. */
  learnFrom(event: CogdeskEvent): boolean {
    switch (event.type) {
      case 'ticket.created': {
        const { ticket } = event.data;
        // An import (triage null) carries labels from history; a ticket opened by a person carries theirs.
        const fromPerson = ticket.triage === null || event.actor.type === 'user';
        return this.remember(ticket, fromPerson ? { priority: ticket.priority, category: ticket.category } : {});
      }
      case 'ticket.updated': {
        const { ticket, changes } = event.data;
        if (event.actor.type !== 'user') return this.remember(ticket, {});
        const corrected: { priority?: Priority | null; category?: string | null } = {};
        for (const change of changes) {
          if (change.field === 'priority') corrected.priority = ticket.priority;
          if (change.field === 'category') corrected.category = ticket.category;
        }
        return this.remember(ticket, corrected);
      }
      case 'ticket.status-changed':
        return this.remember(event.data.ticket, {});
      case 'ticket.deleted': {
        const { id, version } = event.data.ticket;
        if ((this.state.versions[id] ?? 0) >= version) return false;
        this.state.versions[id] = version;
        // A late label from before the deletion must not bring the ticket back.
        (this.state.labelVersions ??= {})[id] = { priority: Number.MAX_SAFE_INTEGER, category: Number.MAX_SAFE_INTEGER };
        delete this.state.labels[id];
        this.model.forget(id);
        this.storage.changed();
        return true;
      }
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

  /**
   * Merges what a person said into the ticket's labels and (re)teaches the model if it has any. The newest
   * event seen gives the text and resolution; each label comes from the newest event that said it, whatever
   * order they arrive in (an agent's update overtaking the person's creation must not lose the labels).
   */
  private remember(ticket: TicketSnapshot, said: { priority?: Priority | null; category?: string | null }): boolean {
    const newest = ticket.version > (this.state.versions[ticket.id] ?? 0);
    const saidAt = { ...this.state.labelVersions?.[ticket.id] };
    const labels: TicketLabels = { ...this.state.labels[ticket.id] };
    let relabelled = false;
    if (said.priority !== undefined && (saidAt.priority ?? 0) < ticket.version) {
      labels.priority = said.priority ?? undefined;
      saidAt.priority = ticket.version;
      relabelled = true;
    }
    if (said.category !== undefined && (saidAt.category ?? 0) < ticket.version) {
      labels.category = said.category ?? undefined;
      saidAt.category = ticket.version;
      relabelled = true;
    }
    if (!newest && !relabelled) return false;
    if (relabelled) (this.state.labelVersions ??= {})[ticket.id] = saidAt;
    if (newest) {
      this.state.versions[ticket.id] = ticket.version;
      const resolutionHours = ticket.status === 'resolved' || ticket.status === 'closed' ? hoursBetween(ticket.createdAt, ticket.resolvedAt) : undefined;
      if (resolutionHours !== undefined && ticket.duplicateOf === null) labels.resolutionHours = resolutionHours;
    }
    if (labels.priority === undefined && labels.category === undefined && labels.resolutionHours === undefined) {
      delete this.state.labels[ticket.id];
      this.model.forget(ticket.id);
      this.storage.changed();
      return false;
    }
    this.state.labels[ticket.id] = labels;
    // An older event brings labels only: the text stays that of the newest version the model has.
    const text = newest ? ticket : (this.model.example(ticket.id) ?? ticket);
    const example: LabelledExample = {
      id: ticket.id,
      title: text.title,
      description: text.description,
      ...(labels.priority ? { priority: labels.priority } : {}),
      ...(labels.category ? { category: labels.category } : {}),
      ...(labels.resolutionHours !== undefined ? { resolutionHours: labels.resolutionHours } : {}),
    };
    this.model.learn(example);
    this.storage.changed();
    return true;
  }

  async triage(input: TriageTaskInput): Promise<TriageTaskOutput> {
    const { ticket } = input;
    const text = { id: ticket.id, title: ticket.title, description: ticket.description };
    // Finding examples is a nearest-neighbour scan: only worth it for a provider that reads them.
    const providerInput = this.provider.needsExamples ? triageInput(this.model, text) : { ticket: text, taxonomy: { categories: [], priorities: [] }, examples: [] };
    const result = await this.provider.triage(providerInput);
    return {
      contract: 'triage.v1',
      result: {
        priority: result.priority,
        category: result.category ?? UNCATEGORIZED,
        confidence: Number(result.confidence.toFixed(4)),
        estimatedResolutionHours: result.estimatedResolutionHours === null ? null : Number(result.estimatedResolutionHours.toFixed(1)),
        recommendedSteps: [...result.recommendedSteps],
        provider: result.provider,
        model: result.model,
        promptVersion: result.promptVersion,
        // The labelled tickets the model leaned on, as explanation.
        neighbours: result.neighbours.slice(0, 10).map((neighbour) => ({ ticketId: neighbour.ticketId, score: Number(Math.max(0, Math.min(1, neighbour.similarity)).toFixed(4)) })),
      },
    };
  }
}
