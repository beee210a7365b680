/**
 * `npm run eval -- [--data ../shared/data] [--split test] [--embeddings] [--through-api] [--only triage|dedupe]`: triage
 * and duplicate detection scored on the labelled data. Triage per source (accuracy, macro-F1 for priority
 * at 4 and 3 levels and for category); duplicates by time-ordered recall@1/5/10 and precision/recall at
 * the threshold. With `--through-api`, triage is also scored through the HTTP API of a running local cloud
 * (import, then open each scored ticket and read back its triage), which is slower. `--only` runs one part,
 * to iterate on it. `--split NAME` scores a held-out half: triage learns every row of `tickets.dev.jsonl` and
 * scores every row of `tickets.NAME.jsonl`; duplicates are scored on `duplicates.NAME.jsonl` and
 * `pairs.NAME.jsonl`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateDedupe, printReport as printDedupeReport } from './dedupe';
import { evaluateThroughApi, formatApiReport } from './through-api';
import { evaluateTriage, formatReport as formatTriageReport } from './triage';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: path.join(root, '../shared/data') },
    embeddings: { type: 'boolean', default: false },
    'through-api': { type: 'boolean', default: false },
    only: { type: 'string' },
    split: { type: 'string' },
  },
});
const dataDir = path.resolve(values.data);
const parts = ['triage', 'dedupe'] as const;
if (values.only !== undefined && !(parts as readonly string[]).includes(values.only)) {
  throw new Error(`--only takes one of ${parts.join(', ')}, not ${values.only}`);
}
if (values['through-api'] && values.split !== undefined) throw new Error('--through-api scores the dev split only; drop --split');
const runs = (part: (typeof parts)[number]) => values.only === undefined || values.only === part;
if (values.split !== undefined) {
  const names = [...(runs('triage') ? ['tickets'] : []), ...(runs('dedupe') ? ['duplicates', 'pairs'] : [])];
  const missing = names.map((name) => path.join(dataDir, `${name}.${values.split}.jsonl`)).filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`--split ${values.split} needs ${missing.join(', ')}`);
}

if (runs('triage')) {
  console.info('## Triage (local model, per source)\n');
  const heldOut = values.split ? { heldOutFile: path.join(dataDir, `tickets.${values.split}.jsonl`) } : {};
  console.info(formatTriageReport(await evaluateTriage({ dataDir, useEmbeddings: values.embeddings, ...heldOut })));
}
if (runs('dedupe')) {
  console.info('\n## Duplicate detection\n');
  printDedupeReport(await evaluateDedupe({ dataDir, useEmbeddings: values.embeddings, ...(values.split ? { split: values.split } : {}) }));
}
if (values['through-api'] && runs('triage')) {
  console.info('\n## Triage through the HTTP API (import, then POST each scored ticket and read its triage)\n');
  console.info(formatApiReport(await evaluateThroughApi({ dataDir })));
}
