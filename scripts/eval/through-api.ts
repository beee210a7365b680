/**
 * Triage quality measured the way a user meets it: for each source (one deployment each), a fresh
 * `npm start` cloud in-process; the learned part is imported through POST /api/tickets/import with its
 * labels, the scored part opened through POST /api/tickets without labels, and each scored ticket's
 * suggestion is read back from GET /api/tickets/{id} once the cognitive chain has triaged it. Same split as
 * scripts/eval/triage.ts (a hash of the id), so no scored ticket is ever learned from.
 *
 *   tsx scripts/eval/through-api.ts [--data ../shared/data] [--sources jira,github,cfpb] [--limit N]
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { startLocalCloud, type LocalCloud } from '../local-cloud/local-cloud';
import { defaultServiceDirs } from '../service-dirs';
import { isScored, projectPriority, readRows, threeLevels, type TicketRow } from './triage';
import { scoreClassification, type ClassificationScore } from './triage-metrics';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const root = path.resolve(import.meta.dirname, '../..');
const secret = randomUUID() + randomUUID();
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error };

export interface ApiSourceReport {
  source: string;
  imported: number;
  scored: number;
  category: ClassificationScore;
  priority4?: ClassificationScore;
  priority3?: ClassificationScore;
  /** Scored tickets the chain closed as duplicates of history instead of triaging (scored as misses). */
  closedAsDuplicate: number;
  failed: number;
  /** Wall time from POST to a completed triage, per ticket, with `concurrency` in flight. */
  msPerTicket: number;
}

/** Waits until every queue is empty and nothing is in flight: the consumers have learned everything. */
async function drained(cloud: LocalCloud): Promise<void> {
  const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs, region: 'us-east-1' });
  for (let quietChecks = 0; quietChecks < 3; ) {
    let pending = 0;
    for (const queue of cloud.wiring.queues) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      if (!queue.name.endsWith('-dlq')) pending += Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
    }
    quietChecks = pending === 0 ? quietChecks + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function evaluateSource(source: string, learned: TicketRow[], scored: TicketRow[], concurrency: number): Promise<ApiSourceReport> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'eval-api-'));
  const cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), logger: quiet, environment: { AUTH_LOCAL_SECRET: secret } });
  const token = await createLocalTokenIssuer(secret).issue({ sub: 'eval', roles: ['admin'] });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  try {
    const history = learned.map((row, index) => ({
      id: `L-${index}`,
      title: (row.title ?? '').trim().slice(0, 200) || (row.body ?? '').trim().slice(0, 80) || 'untitled',
      description: (row.body ?? '').slice(0, 20_000),
      status: 'resolved',
      category: row.category.slice(0, 100),
      ...(row.priority && projectPriority[row.priority] ? { priority: projectPriority[row.priority] } : {}),
      createdAt: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
    }));
    const response = await fetch(`${cloud.url}/api/tickets/import`, { method: 'POST', headers, body: JSON.stringify(history) });
    const report = (await response.json()) as { created: number; failed: number; errors: unknown[] };
    if (report.failed > 0) throw new Error(`import failed for ${report.failed}: ${JSON.stringify(report.errors.slice(0, 3))}`);
    await drained(cloud);

    const predictions: { row: TicketRow; priority: string; category: string }[] = [];
    let closedAsDuplicate = 0;
    let failed = 0;
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < scored.length) {
          const row = scored[next++]!;
          const title = (row.title ?? '').trim().slice(0, 200) || (row.body ?? '').trim().slice(0, 80) || 'untitled';
          const created = await fetch(`${cloud.url}/api/tickets`, { method: 'POST', headers, body: JSON.stringify({ title, description: (row.body ?? '').slice(0, 20_000) }) });
          const { id } = (await created.json()) as { id: string };
          for (;;) {
            const ticket = (await (await fetch(`${cloud.url}/api/tickets/${id}`, { headers })).json()) as {
              triage: { status: string; priority: string | null; category: string | null } | null;
              duplicateOf: string | null;
            };
            if (ticket.triage?.status === 'completed') {
              predictions.push({ row, priority: ticket.triage.priority ?? '', category: ticket.triage.category ?? '' });
              break;
            }
            // Closed as a duplicate of history: no triage to score; count it as a miss, not a skip.
            if (ticket.duplicateOf !== null || ticket.triage?.status === 'failed') {
              if (ticket.duplicateOf !== null) closedAsDuplicate++;
              else failed++;
              predictions.push({ row, priority: '', category: '' });
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      }),
    );
    const msPerTicket = (Date.now() - started) / Math.max(1, scored.length);
    const withPriority = predictions.filter((p) => p.row.priority && projectPriority[p.row.priority]);
    const priorityPairs = withPriority.map((p) => ({ gold: projectPriority[p.row.priority!]!, predicted: p.priority }));
    return {
      source,
      imported: learned.length,
      scored: scored.length,
      category: scoreClassification(predictions.map((p) => ({ gold: p.row.category, predicted: p.category }))),
      ...(priorityPairs.length > 0
        ? {
            priority4: scoreClassification(priorityPairs),
            priority3: scoreClassification(priorityPairs.map((p) => ({ gold: threeLevels(p.gold), predicted: p.predicted ? threeLevels(p.predicted as never) : '' }))),
          }
        : {}),
      closedAsDuplicate,
      failed,
      msPerTicket,
    };
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function evaluateThroughApi(options: { dataDir: string; limit?: number; concurrency?: number; sources?: string[] }): Promise<ApiSourceReport[]> {
  const rows = readRows(path.join(options.dataDir, 'tickets.dev.jsonl'));
  const reports: ApiSourceReport[] = [];
  for (const source of [...new Set(rows.map((row) => row.source))]) {
    if (options.sources && !options.sources.some((wanted) => source.toLowerCase().includes(wanted.toLowerCase()))) continue;
    const ofSource = rows.filter((row) => row.source === source);
    const learned = ofSource.filter((row) => !isScored(row.id));
    const scored = ofSource.filter((row) => isScored(row.id)).slice(0, options.limit ?? Infinity);
    reports.push(await evaluateSource(source, learned, scored, options.concurrency ?? 8));
  }
  return reports;
}

export function formatApiReport(reports: ApiSourceReport[]): string {
  const score = (s: ClassificationScore | undefined) => (s ? `${s.accuracy.toFixed(3)} / ${s.macroF1.toFixed(3)}` : '-');
  return [
    '| source | imported | scored | closed as duplicate / failed | category acc / macro-F1 | priority 4 acc / macro-F1 | priority 3 acc / macro-F1 | ms per ticket (POST → triaged, 8 in flight) |',
    '|---|---|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.source} | ${r.imported} | ${r.scored} | ${r.closedAsDuplicate} / ${r.failed} | ${score(r.category)} | ${score(r.priority4)} | ${score(r.priority3)} | ${r.msPerTicket.toFixed(0)} |`,
    ),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { data: { type: 'string', default: path.join(root, '../shared/data') }, limit: { type: 'string' }, sources: { type: 'string' } } });
  const reports = await evaluateThroughApi({
    dataDir: path.resolve(values.data),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values.sources ? { sources: values.sources.split(',') } : {}),
  });
  console.info(formatApiReport(reports));
}
