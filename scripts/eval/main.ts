/**
 * `npm run eval -- [--data ../shared/data] [--embeddings] [--through-api]`: triage and duplicate detection
 * scored on the labelled data. Triage per source (accuracy, macro-F1 for priority at 4 and 3 levels and for
 * category); duplicates by time-ordered recall@1/5/10 and precision/recall at the threshold. With
 * `--through-api`, triage is also scored through the HTTP API of a running local cloud (import, then
 * open each scored ticket and read back its triage), which is slower.
 */
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
  },
});
const dataDir = path.resolve(values.data);

console.info('## Triage (local model, per source)\n');
console.info(formatTriageReport(await evaluateTriage({ dataDir, useEmbeddings: values.embeddings })));
console.info('\n## Duplicate detection\n');
printDedupeReport(await evaluateDedupe({ dataDir, useEmbeddings: values.embeddings }));
if (values['through-api']) {
  console.info('\n## Triage through the HTTP API (import, then POST each scored ticket and read its triage)\n');
  console.info(formatApiReport(await evaluateThroughApi({ dataDir })));
}
