import { logger, ready, relay, store } from './dependencies';

/**
 * Commits publish their own events within milliseconds, or within minutes when an import of many thousand
 * tickets queues behind a busy bus; what is still there after this long was left by a crash or a failed
 * publish. Younger entries are left to the relay of the process that committed them, so that two relays
 * do not publish the same events (harmless to consumers, which drop repeats, but twice the work).
 */
const SWEEP_AFTER_MS = 5 * 60_000;

/** Scheduled: publishes whatever a crash or a failed publish left in the outbox, and reports the lag. */
export async function handler(): Promise<void> {
  await ready();
  const now = new Date();
  const lagMs = await store.outboxLagMs(now);
  const run = await relay.sweep(new Date(now.getTime() - SWEEP_AFTER_MS).toISOString());
  if (run.published > 0 || lagMs > 0) logger.info('outbox sweep', { published: run.published, tickets: run.tickets, lagMsBefore: lagMs });
}

export { dispose } from './dependencies';
