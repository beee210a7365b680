/**
 * Scores the local triage model on labelled tickets, one deployment (model) per source.
 *
 *   tsx scripts/eval/triage.ts [--data ../shared/data] [--embeddings] [--salt S] [--held-out <tickets.jsonl>] [--json]
 *
 * Protocol: each source's rows of `tickets.dev.jsonl` are split by a hash of the id: a row is scored when
 * the first 32 bits of sha256(id) mod 100 < 30, else learned from. Learned rows go through `learn()` one at
 * a time in creation order (as an import and later corrections would feed it), and, once the import has
 * settled (`settlingModel`), scored rows through `triage()` without their labels; no scored row is ever
 * learned from. With `--held-out FILE` every dev row is learned from and every row of FILE is scored instead. Choose hyper-parameters with
 * scripts/eval/triage-cv.ts (cross-validation inside the learned rows), not with this script's figures.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TriageModel, defaultTriageModelOptions, type TriageModelOptions } from '@cogdesk/triage/domain/triage-model';
import type { LabelledExample, Priority } from '@cogdesk/triage/domain/types';
import { cachedEmbedder, type Embed } from './triage-embeddings';
import { type ClassificationScore, scoreClassification } from './triage-metrics';

export interface TriageEvalOptions {
  readonly dataDir: string;
  readonly useEmbeddings: boolean;
  /** Score this file's rows after learning every dev row, instead of the hash split of the dev rows. */
  readonly heldOutFile?: string;
  /** Appended to ids before hashing: another salt draws another split, to see how much a figure moves. */
  readonly splitSalt?: string;
  readonly cacheDir?: string;
  readonly modelOptions?: TriageModelOptions;
}

export interface SourceReport {
  readonly source: string;
  readonly learned: number;
  readonly scored: number;
  readonly category: ClassificationScore & { readonly meanConfidence: number };
  /** Only for sources with priorities: the project's 4 levels, and 3 (critical+high / medium / low). */
  readonly priority4?: ClassificationScore;
  readonly priority3?: ClassificationScore;
  readonly learnMsPerTicket: number;
  readonly triageMsPerTicket: number;
}

export interface TriageEvalReport {
  readonly protocol: string;
  readonly embeddings: boolean;
  readonly sources: readonly SourceReport[];
}

export interface TicketRow {
  readonly id: string;
  readonly title: string | null;
  readonly body: string | null;
  readonly priority?: string | null;
  readonly category: string;
  readonly source: string;
  readonly created: string;
}

const scoredPercent = 30;
const splitProtocol = (salt = '') =>
  `hash split per source: scored when sha256(id${salt ? ` + '${salt}'` : ''})[0..4] mod 100 < ${scoredPercent} (~${scoredPercent}%), learned otherwise, one learn() at a time in creation order, scored once settled`;

// Jira's five levels onto the project's four (data README), and the four onto three.
export const projectPriority: Readonly<Record<string, Priority>> = { Blocker: 'critical', Critical: 'high', Major: 'medium', Minor: 'low', Trivial: 'low' };
export const threeLevels = (priority: Priority): string => (priority === 'critical' ? 'high' : priority);

export async function evaluateTriage(options: TriageEvalOptions): Promise<TriageEvalReport> {
  const devRows = readRows(path.join(options.dataDir, 'tickets.dev.jsonl'));
  const heldOutRows = options.heldOutFile ? readRows(options.heldOutFile) : undefined;
  const embed = options.useEmbeddings ? await cachedEmbedder(options.cacheDir ?? defaultCacheDir) : undefined;
  const sources = [...new Set(devRows.map((row) => row.source))];
  const reports: SourceReport[] = [];
  for (const source of sources) {
    const rows = devRows.filter((row) => row.source === source);
    const [learned, scored] = heldOutRows
      ? [rows, heldOutRows.filter((row) => row.source === source)]
      : [rows.filter((row) => !isScored(row.id, options.splitSalt)), rows.filter((row) => isScored(row.id, options.splitSalt))];
    reports.push(await evaluateSource(source, learned, scored, embed, options.modelOptions ?? defaultTriageModelOptions));
  }
  const protocol = heldOutRows ? `learned from every dev row, scored on every row of ${options.heldOutFile}` : splitProtocol(options.splitSalt);
  return { protocol, embeddings: options.useEmbeddings, sources: reports };
}

async function evaluateSource(source: string, learned: readonly TicketRow[], scored: readonly TicketRow[], embed: Embed | undefined, modelOptions: TriageModelOptions): Promise<SourceReport> {
  const { model, settle } = settlingModel(modelOptions);
  const inOrder = [...learned].sort((a, b) => createdTime(a) - createdTime(b));
  const examples = await Promise.all(inOrder.map((row) => toExample(row, embed)));
  const learnStart = performance.now();
  for (const example of examples) model.learn(example);
  const learnMs = performance.now() - learnStart;
  settle();

  const tickets = await Promise.all(scored.map(async (row) => ({ row, ticket: await toTicket(row, embed) })));
  const triageStart = performance.now();
  const results = tickets.map(({ row, ticket }) => ({ row, result: model.triage(ticket) }));
  const triageMs = performance.now() - triageStart;

  const category = scoreClassification(results.map(({ row, result }) => ({ gold: row.category, predicted: result.category ?? '' })));
  const withPriority = results.filter(({ row }) => row.priority);
  const priorityPairs = withPriority.map(({ row, result }) => ({ gold: projectPriority[row.priority!]!, predicted: result.priority }));
  return {
    source,
    learned: learned.length,
    scored: scored.length,
    category: { ...category, meanConfidence: mean(results.map(({ result }) => result.categoryConfidence)) },
    ...(priorityPairs.length > 0
      ? {
          priority4: scoreClassification(priorityPairs),
          priority3: scoreClassification(priorityPairs.map((p) => ({ gold: threeLevels(p.gold), predicted: threeLevels(p.predicted) }))),
        }
      : {}),
    learnMsPerTicket: learnMs / Math.max(1, learned.length),
    triageMsPerTicket: triageMs / Math.max(1, scored.length),
  };
}

async function toTicket(row: TicketRow, embed: Embed | undefined) {
  const title = row.title ?? '';
  const description = row.body ?? '';
  return { id: row.id, title, description, ...(embed ? { embedding: await embed(title, description) } : {}) };
}

async function toExample(row: TicketRow, embed: Embed | undefined): Promise<LabelledExample> {
  const priority = row.priority ? projectPriority[row.priority] : undefined;
  return { ...(await toTicket(row, embed)), category: row.category, ...(priority ? { priority } : {}) };
}

/**
 * A model on the eval's own clock: history is learned at one instant and scored after `settle()`, an hour
 * later, as a deployment triages once its import has settled. Whether a stale fit is refitted first
 * (`staleRefitAfterMs`) then never depends on how fast this machine learns.
 */
export function settlingModel(options: TriageModelOptions = defaultTriageModelOptions): { model: TriageModel; settle: () => void } {
  let now = 0;
  return { model: new TriageModel(options, () => now), settle: () => (now += 3_600_000) };
}

export function isScored(id: string, salt = ''): boolean {
  return createHash('sha256').update(id + salt).digest().readUInt32BE(0) % 100 < scoredPercent;
}

export function createdTime(row: TicketRow): number {
  return Date.parse(row.created.replace(/^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, '$1-$2-$3')) || 0;
}

export function readRows(file: string): TicketRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TicketRow);
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

const repoRoot = path.resolve(import.meta.dirname, '../..');
const defaultCacheDir = path.join(repoRoot, '.data/eval-cache');

export function formatReport(report: TriageEvalReport): string {
  const score = (s: ClassificationScore | undefined) => (s ? `${s.accuracy.toFixed(3)} / ${s.macroF1.toFixed(3)}` : '-');
  const lines = [
    `protocol: ${report.protocol}; embeddings: ${report.embeddings ? 'yes' : 'no'}`,
    '| source | learned | scored | category acc / macro-F1 | category mean confidence | priority 4 acc / macro-F1 | priority 3 acc / macro-F1 | learn ms/ticket | triage ms/ticket |',
    '|---|---|---|---|---|---|---|---|---|',
    ...report.sources.map((s) =>
      [s.source, s.learned, s.scored, score(s.category), s.category.meanConfidence.toFixed(3), score(s.priority4), score(s.priority3), s.learnMsPerTicket.toFixed(1), s.triageMsPerTicket.toFixed(1)].join(' | '),
    ).map((row) => `| ${row} |`),
  ];
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: path.join(repoRoot, '../shared/data') },
      embeddings: { type: 'boolean', default: false },
      'held-out': { type: 'string' },
      salt: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const report = await evaluateTriage({
    dataDir: path.resolve(values.data),
    useEmbeddings: values.embeddings,
    ...(values['held-out'] ? { heldOutFile: path.resolve(values['held-out']) } : {}),
    ...(values.salt ? { splitSalt: values.salt } : {}),
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
}
