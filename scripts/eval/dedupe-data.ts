// Reads the labelled duplicate data (../shared/data, never copied into the repo) and splits it in two
// halves that share no duplicate relation: calibration is fitted on one and scored on the other.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TicketDocument } from '../../services/dedupe/src/domain/duplicate-detector';

export const repositoryRoot = resolve(import.meta.dirname, '../..');
export const defaultDataDir = resolve(repositoryRoot, '../shared/data');

/** A report of duplicates.dev.jsonl; reports sharing `dupGroup` are duplicates, `null` are distractors. */
export interface PoolReport extends TicketDocument {
  readonly createdAt: string;
  readonly project: string;
  readonly source: string;
  readonly dupGroup: string | null;
}

/** A row of pairs.dev.jsonl. The files carry no creation times, so pairs are judged on text alone. */
export interface LabelledPair {
  readonly a: TicketDocument;
  readonly b: TicketDocument;
  readonly isDuplicate: boolean;
  readonly negativeType: string | null;
  readonly project: string;
}

export type Half = 'fit' | 'scored';

interface RawReport {
  id: string;
  title: string | null;
  body: string | null;
  created: string;
  project: string;
  source: string;
  dup_group: string | null;
}

interface RawPair {
  a_id: string;
  a_title: string | null;
  a_body: string | null;
  b_id: string;
  b_title: string | null;
  b_body: string | null;
  is_duplicate: boolean;
  negative_type: string | null;
  project: string;
}

/** The pool, oldest first (ties keep file order). */
export async function loadPool(dataDir: string, split = 'dev'): Promise<PoolReport[]> {
  const rows = await readJsonLines<RawReport>(join(dataDir, `duplicates.${split}.jsonl`));
  return rows
    .map((row) => ({
      ticketId: row.id,
      title: row.title ?? '',
      description: row.body ?? '',
      createdAt: toIsoTime(row.created),
      project: row.project,
      source: row.source,
      dupGroup: row.dup_group,
    }))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

export async function loadPairs(dataDir: string, split = 'dev'): Promise<LabelledPair[]> {
  const rows = await readJsonLines<RawPair>(join(dataDir, `pairs.${split}.jsonl`));
  return rows.map((row) => ({
    a: { ticketId: row.a_id, title: row.a_title ?? '', description: row.a_body ?? '' },
    b: { ticketId: row.b_id, title: row.b_title ?? '', description: row.b_body ?? '' },
    isDuplicate: row.is_duplicate,
    negativeType: row.negative_type,
    project: row.project,
  }));
}

/**
 * Assigns every ticket to a half by a hash of its connected component, where duplicate groups and pairs
 * (positive or negative) connect tickets. No duplicate relation and no pair crosses halves, so the half a
 * model is fitted on tells it nothing about the labels of the other.
 */
export function splitHalves(pool: readonly PoolReport[], pairs: readonly LabelledPair[]): (ticketId: string) => Half {
  const components = new DisjointSets();
  for (const report of pool) if (report.dupGroup !== null) components.union(report.ticketId, `group:${report.dupGroup}`);
  for (const pair of pairs) components.union(pair.a.ticketId, pair.b.ticketId);
  return (ticketId) => (fnv1a(components.find(ticketId)) % 2 === 0 ? 'fit' : 'scored');
}

export interface EvalArguments {
  readonly dataDir: string;
  /** Which files to read: `duplicates.<split>.jsonl` and `pairs.<split>.jsonl`. */
  readonly split: string;
  readonly flags: ReadonlySet<string>;
}

/** `--data <dir>` (default ../shared/data beside the repository), `--split <name>` (default dev), flags. */
export function parseEvalArguments(argv: readonly string[]): EvalArguments {
  const valueOf = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const dataDir = valueOf('--data');
  const valued = new Set(['--data', '--split']);
  return {
    dataDir: dataDir === undefined ? defaultDataDir : resolve(dataDir),
    split: valueOf('--split') ?? 'dev',
    flags: new Set(argv.filter((arg, i) => arg.startsWith('--') && !valued.has(arg) && !valued.has(argv[i - 1] ?? ''))),
  };
}

// Jira writes `+0000` offsets and some sources no zone at all (read as UTC).
function toIsoTime(created: string): string {
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(created);
  return new Date(hasZone ? created : `${created}Z`).toISOString();
}

async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

// Roots are always the smallest member, so a component's name does not depend on the order of unions.
class DisjointSets {
  private readonly parents = new Map<string, string>();

  find(item: string): string {
    let root = item;
    while (this.parents.has(root) && this.parents.get(root) !== root) root = this.parents.get(root)!;
    this.parents.set(item, root);
    return root;
  }

  union(a: string, b: string): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA === rootB) return;
    if (rootA < rootB) this.parents.set(rootB, rootA);
    else this.parents.set(rootA, rootB);
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
