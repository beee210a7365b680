import { logger, ready, relay, store } from './dependencies';

/** Scheduled: publishes whatever a crash or a failed publish left in the outbox, and reports the lag. */
export async function handler(): Promise<void> {
  await ready();
  const lagMs = await store.outboxLagMs(new Date());
  const run = await relay.flush();
  if (run.published > 0 || lagMs > 0) logger.info('outbox sweep', { published: run.published, tickets: run.tickets, lagMsBefore: lagMs });
}

export { dispose } from './dependencies';
