/**
 * Triage quality measured the way a user meets it: for each source (one deployment each), a fresh
 * `npm start` cloud in-process; the learned part is imported through POST /api/tickets/import with its
 * labels, the scored part opened through POST /api/tickets without labels, and each scored ticket's
 * suggestion is read back from GET /api/tickets/{id} once the cognitive chain has triaged it (or, for one it
 * closed as a duplicate, the labels it took from its original). Same split as scripts/eval/triage.ts (a hash
 * of the id), so no scored ticket is ever learned from.
 *
 *   tsx scripts/eval/through-api.ts [--data ../shared/data] [--sources jira,github,cfpb] [--limit N]
 *
 * History is imported in creation order, as scripts/eval/triage.ts feeds the model, with each ticket's own
 * creation time. Beside the API's figures, each source is also scored on the same tickets by an in-process
 * `TriageModel` that learned the same history one ticket at a time from the same text: the gap between the
 * two is what the way through the API costs, whichever tickets were drawn (`--limit N` takes N of the scored
 * tickets spread evenly over them). Events the local event bus gave up delivering to the
 * triage service's queue are counted, since the model never learns from those.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { defaultTriageModelOptions } from '@cogdesk/triage/domain/triage-model';
import { startLocalCloud, type LocalCloud } from '../local-cloud/local-cloud';
import { defaultServiceDirs } from '../service-dirs';
import { createdTime, isScored, projectPriority, readRows, settlingModel, threeLevels, type TicketRow } from './triage';
import { scoreClassification, type ClassificationScore } from './triage-metrics';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const root = path.resolve(import.meta.dirname, '../..');
const secret = randomUUID() + randomUUID();
/** A scored ticket not triaged, closed or failed by then counts as a miss ("stuck"), so one lost event cannot hang the run. */
const ticketTimeoutMs = 60_000;

export interface ApiSourceReport {
  source: string;
  imported: number;
  scored: number;
  category: ClassificationScore;
  priority4?: ClassificationScore;
  priority3?: ClassificationScore;
  /** Scored tickets the chain closed as duplicates instead of triaging (scored by the labels they took from their original). */
  closedAsDuplicate: number;
  /** Of those, how many history tickets they were closed against carry the scored ticket's own category. */
  closedAsDuplicateOfSameCategory: number;
  /**
   * Each scored ticket closed as a duplicate: its title, and the ticket it was closed against, which is either
   * imported history or a scored ticket opened earlier in the run (the chain indexes those too).
   */
  duplicates: { title: string; duplicateOfTitle: string; of: 'history' | 'scored'; sameCategory: boolean }[];
  failed: number;
  /** Scored tickets with no outcome within `ticketTimeoutMs` (scored as misses). */
  stuck: number;
  /** Events the local event bus gave up delivering to the triage service's queue, by event type. */
  undeliveredToTriage: Record<string, number>;
  /** The same scored tickets triaged by an in-process model that learned the same history: the domain's figure. */
  inProcess: { category: ClassificationScore; priority3?: ClassificationScore };
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

/** How long after an import of `tickets` labelled tickets its last fit is surely stale: fits take up to 2 ms a ticket. */
function staleFitAfterImportMs(tickets: number): number {
  const { staleRefitAfterMs, staleRefitFitMultiple } = defaultTriageModelOptions;
  return Math.max(staleRefitAfterMs, staleRefitFitMultiple * 2 * tickets);
}

/** Tickets with no answer ('') are misses of their gold label, not a label of their own in the macro-F1 mean. */
const scoreAnswered = (pairs: readonly { gold: string; predicted: string }[]) =>
  scoreClassification(pairs, new Set(pairs.flatMap((p) => [p.gold, p.predicted]).filter((label) => label !== '')));

/** What the API accepts as a title (1..200 characters, trimmed): sources without titles open with the body. */
const titleOf = (row: TicketRow) => (row.title ?? '').trim().slice(0, 200) || (row.body ?? '').trim().slice(0, 80) || 'untitled';
const descriptionOf = (row: TicketRow) => (row.body ?? '').slice(0, 20_000);

/** The in-process model on the same history and text as the API run, scored on the same tickets. */
function inProcessScores(history: readonly { id: string; row: TicketRow }[], scored: readonly TicketRow[]): ApiSourceReport['inProcess'] {
  const { model, settle } = settlingModel();
  for (const { id, row } of history) {
    const priority = row.priority ? projectPriority[row.priority] : undefined;
    model.learn({ id, title: titleOf(row), description: descriptionOf(row), category: row.category.trim().slice(0, 100), ...(priority ? { priority } : {}) });
  }
  settle();
  const results = scored.map((row) => ({ row, result: model.triage({ id: `S-${row.id}`, title: titleOf(row), description: descriptionOf(row) }) }));
  const priorityPairs = results.flatMap(({ row, result }) => (row.priority && projectPriority[row.priority] ? [{ gold: threeLevels(projectPriority[row.priority]!), predicted: threeLevels(result.priority) }] : []));
  return {
    category: scoreClassification(results.map(({ row, result }) => ({ gold: row.category.trim(), predicted: result.category ?? '' }))),
    ...(priorityPairs.length > 0 ? { priority3: scoreClassification(priorityPairs) } : {}),
  };
}

async function evaluateSource(source: string, learned: TicketRow[], scored: TicketRow[], concurrency: number): Promise<ApiSourceReport> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'eval-api-'));
  const undeliveredToTriage: Record<string, number> = {};
  // The bus reports each delivery it gave up on; count those to the triage queue instead of printing the events.
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (message: unknown, error?: unknown) => {
      const failedEvents = (error as { failedEvents?: unknown } | undefined)?.failedEvents;
      if (typeof message === 'string' && message.includes('DELIVERY FAILED') && Array.isArray(failedEvents)) {
        if (!message.includes('"triage-events"')) return;
        for (const event of failedEvents as string[]) {
          const type = /"detail-type":"([^"]+)"/.exec(event)?.[1] ?? 'unknown';
          undeliveredToTriage[type] = (undeliveredToTriage[type] ?? 0) + 1;
        }
        return;
      }
      console.error(message, error ?? '');
    },
  };
  const cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), logger, environment: { AUTH_LOCAL_SECRET: secret } });
  const token = await createLocalTokenIssuer(secret).issue({ sub: 'eval', roles: ['admin'] });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  try {
    // Creation order, as the domain eval learns; the import creates eight at a time in this order.
    const inOrder = [...learned].sort((a, b) => createdTime(a) - createdTime(b)).map((row, index) => ({ id: `L-${index}`, row }));
    const history = inOrder.map(({ id, row }, index) => ({
      id,
      title: titleOf(row),
      description: descriptionOf(row),
      status: 'resolved',
      category: row.category.trim().slice(0, 100),
      ...(row.priority && projectPriority[row.priority] ? { priority: projectPriority[row.priority] } : {}),
      createdAt: new Date(createdTime(row) || Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
    }));
    const historyById = new Map(history.map((ticket) => [ticket.id, ticket]));
    const response = await fetch(`${cloud.url}/api/tickets/import`, { method: 'POST', headers, body: JSON.stringify(history) });
    const report = (await response.json()) as { created: number; failed: number; errors: unknown[] };
    if (report.failed > 0) throw new Error(`import failed for ${report.failed}: ${JSON.stringify(report.errors.slice(0, 3))}`);
    await drained(cloud);
    // As a deployment settles after an import: the triage model's last fit grows stale, so the first scored
    // triage refits with every label (staleRefitAfterMs), as the in-process model does after settle().
    await new Promise((resolve) => setTimeout(resolve, staleFitAfterImportMs(learned.length)));

    const predictions: { row: TicketRow; priority: string; category: string }[] = [];
    let closedAsDuplicate = 0;
    const duplicates: ApiSourceReport['duplicates'] = [];
    const openedScored = new Map<string, TicketRow>();
    let failed = 0;
    let stuck = 0;
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < scored.length) {
          const row = scored[next++]!;
          const created = await fetch(`${cloud.url}/api/tickets`, { method: 'POST', headers, body: JSON.stringify({ title: titleOf(row), description: descriptionOf(row) }) });
          const { id } = (await created.json()) as { id: string };
          openedScored.set(id, row);
          const deadline = Date.now() + ticketTimeoutMs;
          for (;;) {
            const ticket = (await (await fetch(`${cloud.url}/api/tickets/${id}`, { headers })).json()) as {
              triage: { status: string; priority: string | null; category: string | null } | null;
              duplicateOf: string | null;
              priority: string | null;
              category: string | null;
            };
            if (ticket.triage?.status === 'completed') {
              predictions.push({ row, priority: ticket.triage.priority ?? '', category: ticket.triage.category ?? '' });
              break;
            }
            // Closed as a duplicate: never triaged, it shows the labels it took from its original, which are
            // scored as the desk's answer. A failed triage is a miss, not a skip.
            if (ticket.duplicateOf !== null || ticket.triage?.status === 'failed') {
              if (ticket.duplicateOf !== null) {
                closedAsDuplicate++;
                const original = historyById.get(ticket.duplicateOf);
                const earlier = openedScored.get(ticket.duplicateOf);
                const [duplicateOfTitle, category] = original ? [original.title, original.category] : earlier ? [titleOf(earlier), earlier.category.trim()] : [ticket.duplicateOf, undefined];
                duplicates.push({ title: titleOf(row), duplicateOfTitle, of: original ? 'history' : 'scored', sameCategory: category === row.category.trim() });
              } else failed++;
              predictions.push({ row, priority: ticket.duplicateOf !== null ? (ticket.priority ?? '') : '', category: ticket.duplicateOf !== null ? (ticket.category ?? '') : '' });
              break;
            }
            if (Date.now() > deadline) {
              stuck++;
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
      category: scoreAnswered(predictions.map((p) => ({ gold: p.row.category.trim(), predicted: p.category }))),
      ...(priorityPairs.length > 0
        ? {
            priority4: scoreAnswered(priorityPairs),
            priority3: scoreAnswered(priorityPairs.map((p) => ({ gold: threeLevels(p.gold), predicted: p.predicted ? threeLevels(p.predicted as never) : '' }))),
          }
        : {}),
      closedAsDuplicate,
      closedAsDuplicateOfSameCategory: duplicates.filter((d) => d.sameCategory).length,
      duplicates,
      failed,
      stuck,
      undeliveredToTriage,
      inProcess: inProcessScores(inOrder, scored),
      msPerTicket,
    };
  } finally {
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * `limit` rows spread evenly over `rows`. The data files are sorted (Jira by priority, GitHub by repository), so
 * the first N would be all Blockers, or all React issues: not a sample of the whole.
 */
export function spread<T>(rows: readonly T[], limit = Infinity): T[] {
  if (limit >= rows.length) return [...rows];
  return Array.from({ length: Math.max(0, Math.floor(limit)) }, (_, k) => rows[Math.floor((k * rows.length) / limit)]!);
}

export interface ThroughApiOptions {
  dataDir: string;
  limit?: number;
  concurrency?: number;
  sources?: string[];
  /** Run the sources here rather than each in a child process (what each child does). */
  inThisProcess?: boolean;
}

export async function evaluateThroughApi(options: ThroughApiOptions): Promise<ApiSourceReport[]> {
  const rows = readRows(path.join(options.dataDir, 'tickets.dev.jsonl'));
  const reports: ApiSourceReport[] = [];
  for (const source of [...new Set(rows.map((row) => row.source))]) {
    if (options.sources && !options.sources.some((wanted) => source.toLowerCase().includes(wanted.toLowerCase()))) continue;
    if (!options.inThisProcess) {
      reports.push(await evaluateSourceInChild(source, options));
      continue;
    }
    const ofSource = rows.filter((row) => row.source === source);
    const learned = ofSource.filter((row) => !isScored(row.id));
    const scored = spread(ofSource.filter((row) => isScored(row.id)), options.limit);
    reports.push(await evaluateSource(source, learned, scored, options.concurrency ?? 8));
  }
  return reports;
}

const reportMarker = 'THROUGH-API REPORT ';

/**
 * One source in a process of its own. The services are modules, loaded once per process with the environment
 * of the first local cloud started in it: a second cloud in the same process would reuse the first one's
 * models, indexes and connection settings, as one deployment would, and mix the sources.
 */
async function evaluateSourceInChild(source: string, options: ThroughApiOptions): Promise<ApiSourceReport> {
  const args = ['--import', 'tsx', import.meta.filename, '--data', options.dataDir, '--sources', source, '--in-this-process'];
  if (options.limit !== undefined) args.push('--limit', String(options.limit));
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: root, maxBuffer: 256 * 1024 * 1024 });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(reportMarker));
  if (line === undefined) throw new Error(`the evaluation of ${source} printed no report:\n${stdout.slice(-2000)}`);
  return (JSON.parse(line.slice(reportMarker.length)) as ApiSourceReport[])[0]!;
}

export function formatApiReport(reports: ApiSourceReport[]): string {
  const score = (s: ClassificationScore | undefined) => (s ? `${s.accuracy.toFixed(3)} / ${s.macroF1.toFixed(3)}` : '-');
  const undelivered = (r: ApiSourceReport) => Object.entries(r.undeliveredToTriage).map(([type, n]) => `${n} ${type}`).join(', ') || 'none';
  return [
    '| source | imported | scored | closed as duplicate (of same category) / failed / stuck | category acc / macro-F1 | in-process model, same tickets | priority 4 acc / macro-F1 | priority 3 acc / macro-F1 | in-process priority 3 | events lost before the triage queue | ms per ticket (POST → triaged, 8 in flight) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...reports.map(
      (r) =>
        `| ${r.source} | ${r.imported} | ${r.scored} | ${r.closedAsDuplicate} (${r.closedAsDuplicateOfSameCategory}) / ${r.failed} / ${r.stuck} | ${score(r.category)} | ${score(r.inProcess.category)} | ${score(r.priority4)} | ${score(r.priority3)} | ${score(r.inProcess.priority3)} | ${undelivered(r)} | ${r.msPerTicket.toFixed(0)} |`,
    ),
    ...reports.flatMap((r) =>
      r.duplicates.length === 0
        ? []
        : [`\nClosed as duplicates (${r.source}):`, ...r.duplicates.map((d) => `- "${d.title}" → ${d.of} "${d.duplicateOfTitle}"${d.sameCategory ? ' (same category)' : ''}`)],
    ),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(root, '../shared/data') },
      limit: { type: 'string' },
      sources: { type: 'string' },
      'in-this-process': { type: 'boolean', default: false },
    },
  });
  const reports = await evaluateThroughApi({
    dataDir: path.resolve(values.data),
    ...(values.limit ? { limit: Number(values.limit) } : {}),
    ...(values.sources ? { sources: values.sources.split(',') } : {}),
    inThisProcess: values['in-this-process'],
  });
  // A child reports to its parent (evaluateSourceInChild); a person gets the table.
  console.info(values['in-this-process'] ? `${reportMarker}${JSON.stringify(reports)}` : formatApiReport(reports));
}
