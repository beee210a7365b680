/**
 * `npm run bench:local-cloud [-- --events 20000 --publishers 8 [--rate 1000]]`: events/s through the local cloud
 * (PutEvents → rule → SQS → Lambda-like poller → the shared consumer) and the latency each hop adds.
 * Targets (issue 2): ≥ 2,000 events/s end to end, p99 hop latency < 50 ms.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { validateEvent } from '@cogdesk/events-schema';
import type { EventEnvelope } from '@cogdesk/shared/events/envelope';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { startLocalCloud } from '../local-cloud/local-cloud';
import { arrivals } from './fixtures/sink-service/src/sink';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const { values } = parseArgs({
  options: { events: { type: 'string', default: '20000' }, publishers: { type: 'string', default: '8' }, rate: { type: 'string' } },
});
const total = Number(values.events);
const publishers = Number(values.publishers);
// Without --rate the publishers go flat out (throughput); with it, events are paced so queueing does not
// hide the latency each hop adds.
const rate = values.rate ? Number(values.rate) : undefined;
const root = path.resolve(import.meta.dirname, '../..');
const example = JSON.parse(readFileSync(path.join(root, 'events-schema/ticket/deleted/examples/deleted-by-admin.json'), 'utf8')) as EventEnvelope;
const quiet = { debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };

const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-local-cloud-'));
const cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: [root, path.join(import.meta.dirname, 'fixtures/sink-service')], logger: quiet });
const publisher = createEventPublisher({
  client: new EventBridgeClient({ endpoint: cloud.endpoints.eventbridge, region: 'us-east-1' }),
  eventBusName: 'cogdesk-local',
  validate: validateEvent,
});

const rssBefore = process.memoryUsage().rss;
const started = Date.now();
let next = 0;
// Each publisher sends batches of 10 (one PutEvents each), as the outbox relay does.
await Promise.all(
  Array.from({ length: publishers }, async () => {
    while (next < total) {
      const count = Math.min(10, total - next);
      const dueAt = rate ? started + (next / rate) * 1000 : 0;
      next += count;
      if (dueAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, dueAt - Date.now()));
      const time = new Date().toISOString();
      await publisher.publish(Array.from({ length: count }, () => ({ ...example, id: randomUUID(), subject: `bench-${randomUUID()}`, time })));
    }
  }),
);
const publishedIn = Date.now() - started;
while (arrivals.size < total) {
  if (Date.now() - started > 300_000) throw new Error(`only ${arrivals.size} of ${total} events arrived`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const finishedIn = Math.max(...[...arrivals.values()].map((a) => a.handledAt)) - started;
const rssAfter = process.memoryUsage().rss;
await cloud.stop();
await rm(dataDir, { recursive: true, force: true });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const all = [...arrivals.values()];
const hops = {
  'PutEvents → queue (rule match, SQS send)': all.map((a) => a.enqueuedAt - a.publishedAt),
  'queue → handler (poll, batch, invoke)': all.map((a) => a.handledAt - a.enqueuedAt),
  'end to end': all.map((a) => a.handledAt - a.publishedAt),
};

console.info(`local cloud: ${total} events, ${publishers} concurrent publishers, batches of 10${rate ? `, paced at ${rate} events/s` : ', flat out'}`);
console.info(`  published in ${publishedIn} ms (${Math.round((total / publishedIn) * 1000)} events/s accepted by PutEvents)`);
console.info(`  handled in   ${finishedIn} ms (${Math.round((total / finishedIn) * 1000)} events/s end to end)   target ≥ 2000`);
console.info('  latency per hop (ms; event time and SQS SentTimestamp have 1 ms resolution):');
for (const [hop, values] of Object.entries(hops)) {
  console.info(`    ${hop.padEnd(42)} p50 ${String(percentile(values, 50)).padStart(5)}   p99 ${String(percentile(values, 99)).padStart(5)}`);
}
console.info(`  RSS ${Math.round(rssBefore / 2 ** 20)} → ${Math.round(rssAfter / 2 ** 20)} MiB`);
