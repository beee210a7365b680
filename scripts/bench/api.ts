/**
 * `npm run bench:api [-- --tickets 100000 --seconds 10]`: autocannon against `npm start` (its own process,
 * fresh data dir) with that many tickets loaded through the import API. Prints req/s and p50/p99 for the
 * list, read and create routes (create also with 50 connections) and for a bare route on the same server,
 * the outbox lag after each create run, the CPU time each server process spent per request (Linux), and the
 * server's RSS.
 * Loading 100,000 tickets and waiting for the consumers takes about ten minutes: `--keep-data DIR` saves
 * the loaded data dir (stopping the server cleanly to copy it), and `--data-from DIR` starts a later run
 * from a copy of it instead of loading.
 * Targets (issue 3): list ≥ 2,000 req/s with p99 ≤ 50 ms, GET one ≥ 5,000 req/s, POST ≥ 1,000 req/s with
 * the outbox keeping up, RSS ≤ 1 GiB.
 */
import { execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MongoClient } from 'mongodb';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    'keep-data': { type: 'string' },
    'data-from': { type: 'string' },
  },
});
const ticketCount = Number(values.tickets);
const duration = Number(values.seconds);
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-api-'));
if (values['data-from']) await cp(values['data-from'], dataDir, { recursive: true });
const startScript = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const [command, ...args] = startScript.split(' ');

async function startServer() {
  const child = spawn(path.join(root, 'node_modules/.bin', command!), args, {
    cwd: root,
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  while (!/admin token (\S+)/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm start exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = /dashboard\s+(http:\/\/\S+?)\/?\s/.exec(output)![1]!;
  const token = /admin token (\S+)/.exec(output)![1]!;
  return { child, url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}

async function stopServer(): Promise<void> {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
}

let { child: server, url, headers } = await startServer();

/**
 * Each process `npm start` runs: the local cloud (the services and the API), and the processes it starts
 * beside it (the embedded MongoDB, as a real mongod would be), plus what tsx runs beside them.
 */
function serverProcesses() {
  const rows = execSync('ps -e -o pid=,ppid=,rss=,args=')
    .toString()
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line)!)
    .map(([, pid, ppid, rss, args]) => ({ pid: Number(pid), ppid: Number(ppid), mib: Number(rss) / 1024, args: args! }));
  const tree = [rows.find((row) => row.pid === server.pid)!];
  for (let index = 0; index < tree.length; index++) tree.push(...rows.filter((row) => row.ppid === tree[index]!.pid));
  const label = (row: (typeof rows)[number]) =>
    row.pid === server.pid ? 'tsx launcher' : row.args.includes('cogdesk-mongodb-server') ? 'embedded MongoDB' : row.args.includes('esbuild') ? "esbuild (tsx's compiler)" : row.args.includes('emulators-process') ? 'emulators (SQS, DynamoDB, EventBridge)' : row.args.includes('backend-process') ? 'backend (chain, consumers)' : row.ppid === server.pid ? 'API process' : row.args.slice(0, 60);
  return tree.map((row) => ({ pid: row.pid, label: label(row), mib: row.mib }));
}

function serverRss(): string {
  const processes = serverProcesses();
  const total = processes.reduce((sum, row) => sum + row.mib, 0);
  return `${processes.map((row) => `${row.label} ${Math.round(row.mib)}`).join(', ')} MiB (all ${Math.round(total)} MiB)`;
}

const clockTicksPerSecond = Number(execSync('getconf CLK_TCK').toString());

/**
 * CPU time so far (ms) of each server process, from /proc (utime + stime); empty where there is no /proc.
 * Per request, it shows where a route's cost goes, which a rate alone cannot on a machine whose speed varies.
 */
function serverCpuMs(): Map<string, number> {
  const cpu = new Map<string, number>();
  for (const { pid, label } of serverProcesses()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [utime, stime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number);
      cpu.set(label, (cpu.get(label) ?? 0) + ((utime! + stime!) * 1000) / clockTicksPerSecond);
    } catch {
      return new Map();
    }
  }
  return cpu;
}

const statuses = ['open', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
const priorities = ['low', 'medium', 'high', 'critical'] as const;
const loadStarted = Date.now();
for (let start = 0; start < ticketCount && !values['data-from']; start += 10_000) {
  const batch = Array.from({ length: Math.min(10_000, ticketCount - start) }, (_, offset) => {
    const n = start + offset;
    return {
      id: `BENCH-${n}`,
      title: `Ticket ${n}: printer ${n % 97} fails to connect`,
      description: `Customer reports error E${n % 500} after the update; steps ${n % 13}.`,
      status: statuses[n % statuses.length],
      priority: priorities[n % priorities.length],
      category: `queue-${n % 8}`,
      tags: [`t${n % 20}`],
      createdAt: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
    };
  });
  const response = await fetch(`${url}/api/tickets/import`, { method: 'POST', headers, body: JSON.stringify(batch) });
  const report = (await response.json()) as { created: number; failed: number };
  if (report.failed > 0) throw new Error(`import failed: ${JSON.stringify(report).slice(0, 500)}`);
  const loaded = start + batch.length;
  console.info(`  imported ${loaded} (${Math.round(loaded / ((Date.now() - loadStarted) / 1000))} tickets/s)`);
}
if (!values['data-from']) {
  console.info(`loaded ${ticketCount} tickets through the import API in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s`);
}

const ports = () => JSON.parse(readFileSync(path.join(dataDir, 'ports.json'), 'utf8')) as { mongodb: number; sqs: number };
let mongo = new MongoClient(`mongodb://127.0.0.1:${ports().mongodb}/?directConnection=true`);
const pendingOutbox = () => mongo.db('cogdesk').collection('tickets').countDocuments({ outboxSince: { $exists: true } });
if (values['data-from']) {
  // GET one reads BENCH-0 .. BENCH-(tickets - 1): a data dir loaded with fewer would answer 404s.
  const last = await mongo.db('cogdesk').collection<{ _id: string }>('tickets').findOne({ _id: `BENCH-${ticketCount - 1}` });
  if (!last) {
    await mongo.close();
    await stopServer();
    throw new Error(`${values['data-from']} holds fewer than --tickets ${ticketCount} bench tickets: load it with --keep-data and that --tickets`);
  }
}
while ((await pendingOutbox()) > 0) await new Promise((resolve) => setTimeout(resolve, 200));
// Let the consumers (dedupe indexing, triage learning) finish with the import before measuring the API.
const sqs = new SQSClient({ endpoint: `http://127.0.0.1:${ports().sqs}`, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
const queueUrls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
let lastProgress = Date.now();
for (let idleChecks = 0; idleChecks < 3; ) {
  let pending = 0;
  for (const QueueUrl of queueUrls.filter((url) => !url.endsWith('-dlq'))) {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    pending += Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible);
  }
  idleChecks = pending === 0 ? idleChecks + 1 : 0;
  if (Date.now() - lastProgress > 30_000) {
    lastProgress = Date.now();
    console.info(`  consumers: ${pending} messages still queued or in flight`);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
console.info(`consumers caught up ${((Date.now() - loadStarted) / 1000).toFixed(1)} s after the ${values['data-from'] ? 'start' : 'import started'}; RSS: ${serverRss()}`);
sqs.destroy();

if (values['keep-data']) {
  // A running server's files are not a consistent copy: stop it, copy, and start it again on the same data.
  await mongo.close();
  await stopServer();
  await rm(values['keep-data'], { recursive: true, force: true });
  await cp(dataDir, values['keep-data'], { recursive: true });
  console.info(`kept the loaded data dir in ${values['keep-data']} (run again with --data-from ${values['keep-data']})`);
  ({ child: server, url, headers } = await startServer());
  mongo = new MongoClient(`mongodb://127.0.0.1:${ports().mongodb}/?directConnection=true`);
}

async function run(title: string, options: autocannon.Options) {
  const cpuBefore = serverCpuMs();
  const result = await autocannon({ connections: 20, duration, ...options });
  const cpuAfter = serverCpuMs();
  const { average } = result.requests;
  const errors = result.non2xx + result.errors;
  console.info(
    `${title.padEnd(52)} ${String(Math.round(average)).padStart(6)} req/s   p50 ${String(result.latency.p50).padStart(3)} ms   p99 ${String(result.latency.p99).padStart(3)} ms${errors ? `   ${errors} errors` : ''}`,
  );
  const perRequest = [...cpuAfter]
    .map(([label, ms]) => [label, (ms - (cpuBefore.get(label) ?? ms)) / result.requests.total] as const)
    .filter(([, ms]) => ms >= 0.001)
    .map(([label, ms]) => `${label} ${ms.toFixed(3)}`);
  if (perRequest.length > 0) console.info(`  CPU per request (ms): ${perRequest.join(', ')}`);
  return average;
}

const bare = await run('bare Hono route (GET /api/health), reference', { url: `${url}/api/health` });
const list = await run('GET /api/tickets?status=open&sort=-createdAt&limit=20', {
  url: `${url}/api/tickets?status=open&sort=-createdAt&limit=20`,
  headers,
});
let n = 0;
const one = await run('GET /api/tickets/{id}', {
  url,
  headers,
  requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/api/tickets/BENCH-${(n = (n + 7919) % ticketCount)}` }) }],
});
const createRun = async (connections: number) => {
  const started = Date.now();
  const rate = await run(`POST /api/tickets${connections === 20 ? '' : `, ${connections} connections`}`, {
    url: `${url}/api/tickets`,
    method: 'POST',
    headers,
    body: JSON.stringify({ title: 'Bench ticket', description: 'created under load' }),
    connections,
  });
  const lagAtEnd = await pendingOutbox();
  while ((await pendingOutbox()) > 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const drainedAfter = Date.now() - started - duration * 1000;
  console.info(`  outbox: ${lagAtEnd} tickets unpublished when the run ended, all published ${Math.max(0, drainedAfter)} ms later`);
  return rate;
};
const post = await createRun(20);
// Each create waits on a commit while the chain works through the tickets before it, so at 20 connections
// the rate is bounded by latency; more writers in flight show what the server takes.
await createRun(50);
console.info(`ratios to the bare route: list ${(list / bare).toFixed(2)}, GET one ${(one / bare).toFixed(2)}, POST ${(post / bare).toFixed(2)}`);
console.info(`RSS: ${serverRss()}`);

await mongo.close();
await stopServer();
await rm(dataDir, { recursive: true, force: true });
