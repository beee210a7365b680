/**
 * `npx tsx scripts/bench/chain.ts [--tickets 300 --rate 30 --history 2000 --poll-ms 250]` (`--history 0`: no warm-up): the cognitive
 * chain under a steady load, through the whole local cloud (its API in this process, its backend in a child
 * process, as `npm start` runs them). Imports labelled history first
 * (so dedupe and triage have something to go on), then POSTs tickets open-loop at the target rate and polls
 * each until its triage completed, it was closed as a duplicate, or its triage failed. Prints create →
 * outcome latency (p50/p95/p99), the sustained rate and how the tickets ended. k-NN figures: scripts/bench/knn.ts.
 * Targets (issue 4): ≥ 25 tickets/s sustained with p95 ≤ 3 s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { startLocalCloud } from '../local-cloud/local-cloud';
import { defaultServiceDirs } from '../service-dirs';
import { seededRandom } from '@cogdesk/shared/seeded-random';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '300' },
    rate: { type: 'string', default: '30' },
    history: { type: 'string', default: '2000' },
    'poll-ms': { type: 'string', default: '250' },
    'timeout-s': { type: 'string', default: '120' },
    seed: { type: 'string', default: '42' },
  },
});
const ticketCount = Number(values.tickets);
const rate = Number(values.rate);
const historyCount = Number(values.history);
const pollMs = Number(values['poll-ms']);
const timeoutMs = Number(values['timeout-s']) * 1000;
const root = path.resolve(import.meta.dirname, '../..');

// ---- synthetic, varied support tickets -------------------------------------------------------------


type Priority = 'low' | 'medium' | 'high' | 'critical';

/**
 * A topic's tickets are "<subject> <problem>" with the topic's own subjects and problems plus generic ones,
 * described in a few sentences drawn from shared pools, so two tickets rarely read alike unless they report
 * the same thing.
 */
interface Topic {
  category: string;
  subjects: string[];
  problems: string[];
  /** Priority weights low, medium, high, critical. */
  weights: [number, number, number, number];
}

const slots: Record<string, string[]> = {
  product: ['billing portal', 'mobile app', 'admin console', 'reporting dashboard', 'public API', 'checkout page', 'customer portal', 'desktop client', 'agent workspace', 'knowledge base'],
  browser: ['Chrome 131', 'Firefox 133', 'Safari 18', 'Edge 131', 'the iOS app', 'the Android app', 'a private window'],
  code: ['500', '502', '503', '403', '401', '429', 'E1042', 'E2210', 'ERR_TIMEOUT', 'NullPointerException', 'ECONNRESET', 'SAML_INVALID_RESPONSE'],
  integration: ['Salesforce', 'Slack', 'Jira', 'HubSpot', 'Zendesk', 'Microsoft Teams', 'Google Sheets', 'Okta', 'Azure AD', 'Stripe', 'Shopify', 'GitHub'],
  report: ['monthly revenue', 'open tickets', 'SLA breach', 'agent performance', 'usage by team', 'invoice history', 'churn', 'CSAT'],
  version: ['4.2', '4.3.1', '5.0', '5.1.2', '3.9', '5.2.0'],
  team: ['finance', 'support', 'sales', 'engineering', 'operations', 'marketing', 'legal', 'customer success'],
  count: ['3', '12', '40', 'about 200', 'all', 'several', 'two', 'most'],
  when: ['this morning', 'the last release', 'yesterday', 'an hour ago', 'Monday', 'the upgrade to {version}', 'the maintenance window', 'the DNS change'],
  company: ['Northwind', 'Fabrikam', 'Contoso', 'Tailspin', 'Wingtip', 'Litware', 'Adatum', 'Proseware', 'Woodgrove', 'Fourth Coffee', 'Alpine Ski', 'Blue Yonder'],
};

const qualifiers = [' in the {product}', ' for {company}', ' on {browser}', ' since {when}', ' for the {team} team'];
const genericProblems = ['fails with error {code}', 'stopped working after {when}', 'is extremely slow', 'shows a blank page', 'times out intermittently', 'returns the wrong data', 'is broken for {team}'];

const topics: Topic[] = [
  {
    category: 'account-access',
    subjects: ['login to the {product}', 'password reset email', 'SSO through {integration}', 'two-factor authentication', 'the session', 'user invitations', 'the SCIM provisioning from {integration}', 'API key rotation'],
    problems: ['locks users out', 'never arrives', 'loops back to the sign-in page', 'rejects valid codes', 'expires every few minutes', 'asks for a password twice', 'ignores the new role'],
    weights: [1, 3, 4, 2],
  },
  {
    category: 'billing',
    subjects: ['invoice PDF download', 'the monthly invoice', 'card payment', 'plan upgrade in the {product}', 'refund for order {n}', 'the VAT number on invoices', 'seat count billing', 'the {integration} payment sync'],
    problems: ['charges us twice', 'shows the wrong amount', 'is missing since {when}', 'bills removed seats', 'declines a valid card', 'has the old address', 'was never received'],
    weights: [2, 4, 3, 1],
  },
  {
    category: 'bug',
    subjects: ['the {product}', 'saving a form in the {product}', 'file attachments', 'search in the {product}', 'the ticket editor', 'drag and drop in the board view', 'bulk actions', 'the date picker'],
    problems: ['crashes with {code}', 'loses unsaved changes', 'throws {code} on save', 'returns no results', 'duplicates every entry', 'shows other users’ names', 'freezes the browser tab'],
    weights: [1, 3, 4, 2],
  },
  {
    category: 'performance',
    subjects: ['the {product}', 'the dashboard', 'API list requests', 'large exports', 'the ticket list for {team}', 'full-text search', 'the {report} report', 'page navigation in {browser}'],
    problems: ['takes over a minute to load', 'stalls at 90%', 'got ten times slower', 'spikes CPU on the client', 'hangs during business hours', 'degrades under load'],
    weights: [1, 4, 3, 2],
  },
  {
    category: 'integration',
    subjects: ['the {integration} sync', 'webhooks to {integration}', 'the {integration} connector', 'field mapping to {integration}', 'the {integration} import', 'OAuth with {integration}', 'the Zapier trigger', 'the {integration} app'],
    problems: ['stopped syncing', 'creates duplicate records', 'shows disconnected', 'maps fields to the wrong columns', 'drops every other event', 'needs re-authorising daily', 'skips archived items'],
    weights: [1, 4, 4, 1],
  },
  {
    category: 'data-export',
    subjects: ['the CSV export of {report}', 'the scheduled {report} report', 'the Excel export', 'the data warehouse feed', 'the audit log export', 'the {report} dashboard totals', 'the nightly S3 export', 'the JSON API export'],
    problems: ['is empty', 'was not delivered', 'shifts every date by one day', 'stops at 10,000 rows', 'does not match the {product}', 'has garbled accents', 'misses last month'],
    weights: [3, 4, 2, 0.5],
  },
  {
    category: 'feature-request',
    subjects: ['dark mode in the {product}', 'bulk editing of tickets', 'login with {integration}', 'an export of {report} to Google Sheets', 'custom fields on customers', 'keyboard shortcuts', 'a Spanish translation', 'per-team SLA rules'],
    problems: ['would help {team}', 'is requested by {company}', 'is needed before renewal', 'would save us hours', 'is on our wishlist', 'was promised by sales'],
    weights: [6, 3, 0.5, 0],
  },
  {
    category: 'notifications',
    subjects: ['email notifications', 'Slack alerts', 'assignment notifications', 'notification emails', 'mobile push notifications', 'the daily digest', 'SMS alerts', 'Microsoft Teams cards'],
    problems: ['are not sent', 'arrive twice', 'go to spam', 'arrive hours late', 'link to the wrong ticket', 'ignore the mute settings', 'use the wrong language'],
    weights: [2, 4, 3, 1],
  },
];

const openings = ['{Subject} {problem}.', 'Since {when}, {subject} {problem}.', 'We noticed that {subject} {problem}.', 'Hi team, {subject} {problem} again.', 'Urgent-ish: {subject} {problem}.', '{Subject} {problem} for us since {when}.'];
const impacts = ['{count} users in {team} are affected.', 'Only {company} admins see it.', 'It affects every workspace we have.', 'Customers started complaining.', 'Our {team} team is blocked.', 'It happens roughly one time in five.', 'Nobody outside {team} has noticed yet.'];
const attempts = ['We tried {browser} too.', 'Restarting the {product} did not help.', 'Clearing cache and cookies changed nothing.', 'Rolling back to {version} fixed it for a while.', 'Support chat told us to open a ticket.', 'Logs show {code} at the same time.', 'A colleague on {browser} cannot reproduce it.'];
const details = ['Account {company}-{n}.', 'Reference #{n}.', 'User id u_{n}.', 'Order {n} is affected.', 'Workspace "{company} {team}".', 'We are on the Enterprise plan.', 'Screenshot attached.', 'Our admin is {company} IT.', 'Region eu-west-{region}.'];

const priorities: Priority[] = ['low', 'medium', 'high', 'critical'];
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
function fill(random: () => number, template: string, own: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    if (slot === 'n') return String(1000 + Math.floor(random() * 90_000));
    if (slot === 'region') return String(1 + Math.floor(random() * 3));
    if (slot in own) return own[slot]!;
    if (slot.toLowerCase() in own) return capitalised(own[slot.toLowerCase()]!);
    return fill(random, pick(random, slots[slot]!));
  });
}
function weighted(random: () => number, weights: readonly number[]): number {
  let roll = random() * weights.reduce((sum, weight) => sum + weight, 0);
  for (const [index, weight] of weights.entries()) if ((roll -= weight) < 0) return index;
  return weights.length - 1;
}

interface GeneratedTicket {
  title: string;
  description: string;
  category: string;
  priority: Priority;
}

function ticketFrom(random: () => number): GeneratedTicket {
  const topic = pick(random, topics);
  const subject = fill(random, pick(random, topic.subjects));
  const problem = fill(random, random() < 0.75 ? pick(random, topic.problems) : pick(random, genericProblems));
  const urgent = topic.category !== 'feature-request' && random() < 0.12;
  const sentences = [fill(random, pick(random, openings), { subject, problem })];
  if (random() < 0.8) sentences.push(fill(random, pick(random, impacts)));
  if (random() < 0.6) sentences.push(fill(random, pick(random, attempts)));
  for (let i = Math.floor(random() * 3); i > 0; i--) sentences.push(fill(random, pick(random, details)));
  if (urgent) sentences.push('This blocks production for everyone; please treat as urgent.');
  return {
    title: capitalised(`${subject} ${problem}${random() < 0.5 ? fill(random, pick(random, qualifiers)) : ''}`),
    description: sentences.join(' '),
    category: topic.category,
    priority: urgent ? 'critical' : priorities[weighted(random, topic.weights)]!,
  };
}

/** A re-report of a ticket already in history, lightly reworded: what should come back as a duplicate. */
function reReport(random: () => number, original: GeneratedTicket): GeneratedTicket {
  const prefix = pick(random, ['', 'Again: ', 'Still happening: ', 'Re: ']);
  const suffix = pick(random, ['', ' Any update?', ' Same as before.', ' Please help.']);
  return { ...original, title: `${prefix}${original.title}`, description: `${original.description}${suffix}` };
}

// ---- the run -----------------------------------------------------------------------------------------

const historyRandom = seededRandom(Number(values.seed));
const history = Array.from({ length: historyCount }, () => ticketFrom(historyRandom));
const loadRandom = seededRandom(Number(values.seed) + 1);
// About one in ten is a re-report of a ticket in history.
const load = Array.from({ length: ticketCount }, () =>
  history.length > 0 && loadRandom() < 0.1
    ? { ticket: reReport(loadRandom, pick(loadRandom, history)), reReport: true }
    : { ticket: ticketFrom(loadRandom), reReport: false },
);

const secret = 'a-bench-secret-of-at-least-32-bytes!!';
const quiet = { debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error };
const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-chain-'));
const cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), backendPriority: 'background', logger: quiet, environment: { AUTH_LOCAL_SECRET: secret } });
const token = await createLocalTokenIssuer(secret).issue({ sub: 'bench', roles: ['admin'] });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
const sqs = new SQSClient({ endpoint: cloud.endpoints.sqs, region: 'us-east-1' });
const sfn = new SFNClient({ endpoint: cloud.endpoints.sfn, region: 'us-east-1' });
// With --cpu-prof, the load phase on the profile's clock (monotonic µs), so its samples can be told from the warm-up's.
const profiling = process.execArgv.some((arg) => arg.startsWith('--cpu-prof'));
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Ticket {
  id: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  duplicateOf: string | null;
  triage: { status: 'pending' | 'completed' | 'failed'; category: string | null } | null;
}

async function api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${cloud.url}${route}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as T };
}

/** Messages waiting or in flight across every queue: zero once the services have consumed all events. */
async function queuedMessages(): Promise<number> {
  const counts = await Promise.all(
    cloud.wiring.queues.map(async (queue) => {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queue.url,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
        }),
      );
      return Object.values(Attributes ?? {}).reduce((sum, value) => sum + Number(value), 0);
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

async function settle(): Promise<void> {
  // Idle twice in a row: the outbox relay and the event source pollers may be between hops.
  let idle = 0;
  while (idle < 2) {
    idle = (await queuedMessages()) === 0 ? idle + 1 : 0;
    await sleep(500);
  }
}

/**
 * Where a ticket's time goes, from the state machine's execution histories: create → execution started
 * (outbox relay, PutEvents, rule), each state, and execution end → the ticket updated (bus → tickets queue →
 * its consumer → MongoDB).
 */
async function printHops(runs: Map<string, { createdAt?: number; endedAt?: number }>): Promise<void> {
  const machine = cloud.wiring.stateMachines.find((candidate) => candidate.name.endsWith('-cognitive-chain'))!;
  const stateMachineArn = machine.arn;
  const executionArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    executionArns.push(...(page.executions ?? []).map((execution) => execution.executionArn!));
    nextToken = page.nextToken;
  } while (nextToken);
  const started = 'create → execution started';
  const ended = 'execution ended → ticket updated';
  // In the order a ticket meets them.
  const hops = new Map<string, number[]>([started, ...Object.keys(machine.definition.States as object), ended].map((hop) => [hop, []]));
  const record = (hop: string, ms: number) => hops.get(hop)?.push(ms);
  for (const executionArn of executionArns) {
    const events: HistoryEvent[] = [];
    let token: string | undefined;
    do {
      const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken: token }));
      events.push(...(page.events ?? []));
      token = page.nextToken;
    } while (token);
    const input = JSON.parse(events[0]?.executionStartedEventDetails?.input ?? '{}') as { detail?: { data?: { ticket?: { id?: string } } } };
    const run = runs.get(input.detail?.data?.ticket?.id ?? '');
    if (!run) continue;
    const at = (event: HistoryEvent | undefined) => event?.timestamp?.getTime() ?? NaN;
    record(started, at(events[0]) - run.createdAt!);
    for (const event of events) {
      const name = event.stateEnteredEventDetails?.name;
      const exited = name && events.find((other) => other.stateExitedEventDetails?.name === name);
      if (name && exited) record(name, at(exited) - at(event));
    }
    record(ended, run.endedAt! - at(events.at(-1)));
  }
  console.info('  where the time goes (ms)              p50     p95     max');
  for (const [hop, values] of hops) {
    if (values.length === 0) continue;
    const ordered = [...values].sort((a, b) => a - b);
    const p = (q: number) => String(Math.round(ordered[Math.min(ordered.length - 1, Math.ceil(q * ordered.length) - 1)]!)).padStart(7);
    const label = hop === started || hop === ended ? hop : `  ${hop}`;
    console.info(`    ${label.padEnd(34)}${p(0.5)} ${p(0.95)} ${p(1)}   (${values.length})`);
  }
}

let exitCode = 0;
try {
  if (history.length > 0) {
    const started = Date.now();
    // The last 60 days, most of it resolved, with resolution times that grow as priority falls.
    const statuses = ['resolved', 'closed', 'resolved', 'in_progress', 'open'] as const;
    const hoursToResolve: Record<Priority, number> = { critical: 3, high: 10, medium: 30, low: 80 };
    const spacing = (60 * 86_400_000) / history.length;
    const rows = history.map((ticket, n) => {
      const status = statuses[n % statuses.length]!;
      const createdAt = started - (history.length - n) * spacing;
      const resolved = status === 'resolved' || status === 'closed';
      const resolvedAt = createdAt + hoursToResolve[ticket.priority] * (0.5 + historyRandom()) * 3_600_000;
      return {
        id: `HIST-${n}`,
        ...ticket,
        status,
        createdAt: new Date(createdAt).toISOString(),
        ...(resolved ? { resolvedAt: new Date(Math.min(resolvedAt, started)).toISOString() } : {}),
      };
    });
    for (let start = 0; start < rows.length; start += 1000) {
      const report = await api<{ created: number; skipped: number; failed: number }>('POST', '/api/tickets/import', rows.slice(start, start + 1000));
      if (report.status !== 200 || report.body.failed > 0) throw new Error(`import failed: ${JSON.stringify(report.body).slice(0, 500)}`);
    }
    const imported = Date.now();
    await settle();
    console.info(
      `warm-up: imported ${history.length} labelled tickets in ${((imported - started) / 1000).toFixed(1)} s; dedupe and triage consumed them after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  interface Run {
    sentAt: number;
    id?: string;
    createdAt?: number;
    /** The server's updatedAt of the change that ended the chain, and when the poll saw it. */
    endedAt?: number;
    seenAt?: number;
    outcome?: 'duplicate' | 'triaged' | 'failed' | 'rejected' | 'unfinished';
    category?: string | null;
    reReport: boolean;
  }
  const runs: Run[] = load.map(({ reReport }) => ({ sentAt: 0, reReport }));

  const outcomeOf = (ticket: Ticket): Run['outcome'] | undefined => {
    if (ticket.duplicateOf !== null) return 'duplicate';
    if (ticket.triage?.status === 'completed') return 'triaged';
    if (ticket.triage?.status === 'failed') return 'failed';
    return undefined;
  };

  async function follow(run: Run, ticket: GeneratedTicket): Promise<void> {
    run.sentAt = Date.now();
    const created = await api<Ticket>('POST', '/api/tickets', { title: ticket.title, description: ticket.description });
    if (created.status !== 201) {
      run.outcome = 'rejected';
      return;
    }
    run.id = created.body.id;
    run.createdAt = Date.parse(created.body.createdAt);
    const deadline = run.sentAt + timeoutMs;
    // Polls back off (to 1 s) so that a backlog is not made worse by the bench's own reads; the server-side
    // latency does not depend on when a poll looks.
    for (let wait = pollMs; ; wait = Math.min(1000, wait * 1.5)) {
      await sleep(wait);
      const { status, body } = await api<Ticket>('GET', `/api/tickets/${run.id}`);
      const outcome = status === 200 ? outcomeOf(body) : undefined;
      if (outcome) {
        Object.assign(run, { outcome, seenAt: Date.now(), endedAt: Date.parse(body.updatedAt), category: body.triage?.category ?? null });
        return;
      }
      if (Date.now() > deadline) {
        run.outcome = 'unfinished';
        return;
      }
    }
  }

  // Everything runs on this one event loop: its delay is what any slow synchronous step costs every hop.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // Open loop: ticket n goes out at start + n / rate whatever happened to the ones before it.
  const started = Date.now();
  const loadStartedMicros = monotonicMicros();
  const following: Promise<void>[] = [];
  for (const [n, { ticket }] of load.entries()) {
    const due = started + (n * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    following.push(follow(runs[n]!, ticket));
  }
  const lastSent = Date.now();
  await Promise.all(following);
  loopDelay.disable();
  if (profiling) console.info(`profile window of the load: ${loadStartedMicros}..${monotonicMicros()} µs (monotonic)`);

  const percentile = (values: number[], p: number) => {
    if (values.length === 0) return NaN;
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  };
  const done = runs.filter((run) => run.outcome === 'duplicate' || run.outcome === 'triaged');
  const server = done.map((run) => run.endedAt! - run.createdAt!);
  const client = done.map((run) => run.seenAt! - run.sentAt);
  const count = (outcome: Run['outcome']) => runs.filter((run) => run.outcome === outcome).length;
  const offered = (ticketCount - 1) / ((lastSent - started) / 1000);
  // Outcomes per second from the first to the last: the offered rate when the chain keeps up, its capacity when not.
  const ended = done.map((run) => run.endedAt!);
  const lastEnded = Math.max(...ended);
  const sustained = (done.length - 1) / ((lastEnded - Math.min(...ended)) / 1000);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(8);
  const triagedCategories = runs.filter((run) => run.outcome === 'triaged');
  const categorised = triagedCategories.filter((run) => run.category && run.category !== 'uncategorized').length;
  const reReports = runs.filter((run) => run.reReport);

  console.info(`cognitive chain: ${ticketCount} tickets offered at ${rate}/s (open loop), ${history.length} labelled tickets of history`);
  console.info(`  POSTs went out at ${offered.toFixed(1)} tickets/s; the last ticket ended ${((lastEnded - lastSent) / 1000).toFixed(1)} s after the last POST`);
  console.info(`  sustained ${sustained.toFixed(1)} tickets/s through the chain (outcomes/s, first to last)   target ≥ 25`);
  console.info('  create → outcome latency        p50       p95       p99       max');
  for (const [label, values] of [
    ['server (createdAt → updatedAt)', server],
    [`client (POST → seen by polls)`, client],
  ] as const) {
    console.info(`    ${label.padEnd(29)}${[50, 95, 99, 100].map((p) => seconds(percentile(values, p))).join('  ')}${label.startsWith('server') ? '   target p95 ≤ 3 s' : ''}`);
  }
  // A latency that grows through the run means a backlog: the chain is slower than the offered rate.
  const bucketSeconds = Math.max(1, Math.ceil(ticketCount / rate / 10));
  const byBucket = new Map<number, number[]>();
  for (const run of done) {
    const bucket = Math.floor((run.sentAt - started) / 1000 / bucketSeconds);
    byBucket.set(bucket, [...(byBucket.get(bucket) ?? []), run.endedAt! - run.createdAt!]);
  }
  const timeline = [...byBucket.entries()].sort(([a], [b]) => a - b).map(([bucket, values]) => `${bucket * bucketSeconds}s ${(percentile(values, 50) / 1000).toFixed(1)}`);
  console.info(`    p50 by when the ticket was sent: ${timeline.join(', ')}`);
  const delayMs = (nanoseconds: number) => (nanoseconds / 1e6).toFixed(0);
  console.info(
    `  event loop delay: p50 ${delayMs(loopDelay.percentile(50))} ms, p99 ${delayMs(loopDelay.percentile(99))} ms, max ${delayMs(loopDelay.max)} ms`,
  );
  await printHops(new Map(done.map((run) => [run.id!, run])));
  console.info(
    `  ended: ${count('triaged')} triaged, ${count('duplicate')} duplicates, ${count('failed')} failed` +
      `${count('unfinished') ? `, ${count('unfinished')} unfinished after ${timeoutMs / 1000} s` : ''}${count('rejected') ? `, ${count('rejected')} rejected by POST` : ''}`,
  );
  console.info(
    `  triage used the history: ${categorised}/${triagedCategories.length} triaged with a learnt category; ` +
      `${reReports.filter((run) => run.outcome === 'duplicate').length}/${reReports.length} re-reports closed as duplicates`,
  );
  if (count('unfinished') + count('failed') + count('rejected') > 0) exitCode = 1;
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  sqs.destroy();
  sfn.destroy();
  await cloud.stop();
  await rm(dataDir, { recursive: true, force: true });
}
// The tickets function's MongoClient (module state, as in a Lambda container) is not closed by cloud.stop()
// and keeps the process alive for minutes retrying its monitor; the bench has nothing left to do.
process.exit(exitCode);
