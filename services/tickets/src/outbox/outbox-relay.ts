/**
 * Publishes what the outbox holds, in order per ticket, then moves it to the audit trail. Runs right after
 * each commit (coalescing concurrent callers into shared PutEvents batches) and on a schedule, which
 * catches anything a crash left between commit and publish. At-least-once: a crash after publishing and
 * before marking republishes, and consumers drop the repeat by event id.
 */
import type { EventPublisher } from '@cogdesk/shared/events/publisher';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import type { TicketStore } from '../store/ticket-store';

export interface RelayRun {
  published: number;
  tickets: number;
}

export class OutboxRelay {
  private running: Promise<RelayRun> | undefined;
  private again: Promise<RelayRun> | undefined;

  constructor(
    private readonly store: TicketStore,
    private readonly publisher: EventPublisher,
    private readonly logger: AppLogger,
    private readonly batchTickets = 100,
  ) {}

  /**
   * Publishes everything pending now. A call made while a run is in progress waits for one more run that
   * starts after it, so its own commit is covered; concurrent callers share that run.
   */
  flush(): Promise<RelayRun> {
    if (!this.running) {
      this.running = this.drain().finally(() => (this.running = undefined));
      return this.running;
    }
    this.again ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.again = undefined;
        return this.flush();
      });
    return this.again;
  }

  private async drain(): Promise<RelayRun> {
    const run: RelayRun = { published: 0, tickets: 0 };
    for (;;) {
      const pending = await this.store.pendingOutbox(this.batchTickets);
      if (pending.length === 0) return run;
      // One publish call for the whole batch: the publisher keeps order within a call, so each ticket's
      // events stay in order, and events of many tickets share PutEvents requests.
      await this.publisher.publish(pending.flatMap((entry) => entry.events));
      await this.store.markPublished(pending);
      run.published += pending.reduce((sum, entry) => sum + entry.events.length, 0);
      run.tickets += pending.length;
      if (pending.length < this.batchTickets) return run;
    }
  }

  /** Resolves once no run is in progress or queued (for a clean shutdown: nothing is cut mid-publish). */
  async settled(): Promise<void> {
    while (this.running ?? this.again) await (this.again ?? this.running)!.catch(() => undefined);
  }

  /** For callers that must not fail because publishing did (the commit already stands; the sweep retries). */
  async flushQuietly(): Promise<void> {
    try {
      await this.flush();
    } catch (error) {
      this.logger.error('outbox relay failed; the scheduled sweep will retry', { error });
    }
  }
}
