// k-NN latency and recall of the hnswlib vector index (the dedupe service's local adapter), and query
// latency of the lexical duplicate detector, at 10k and 100k items.
//   tsx scripts/bench/knn.ts [--sizes 10000,100000] [--lexical-only | --vectors-only]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HnswVectorIndex } from '../../services/dedupe/src/adapters/hnsw-vector-index';
import { DuplicateDetector } from '../../services/dedupe/src/domain/duplicate-detector';
import { topK } from '../../services/dedupe/src/domain/top-k';
import { seededRandom } from '@cogdesk/shared/seeded-random';

const dimensions = 512;
const k = 10;
const latencyQueries = 1000;
const recallQueries = 200;
const efSearchValues = [32, 64, 96, 128, 192];


function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Sentence embeddings are not uniform on the sphere: they share a large common direction and cluster by
 * topic in a lower-dimensional subspace. The offline model's ticket embeddings (dev data) have a mean
 * cosine of 0.62 between random tickets and 0.85 to the nearest of 2,000. So each vector mixes a common
 * direction, a topic centre and a within-topic spread (both in a 128-d latent space, projected to 512-d
 * by one random Gaussian matrix) and isotropic noise, with variance shares that reproduce those figures.
 */
function embeddingLikeVectors(seed: number) {
  const latent = 128;
  const topics = 200;
  const shares = { common: 0.62, topic: 0.23, spread: 0.13, noise: 0.02 };
  const random = seededRandom(seed);
  const unitGaussian = (length: number, draw: () => number) =>
    Float32Array.from({ length }, () => gaussian(draw) / Math.sqrt(length));
  const projection = Array.from({ length: latent }, () => unitGaussian(dimensions, random));
  const common = unitGaussian(dimensions, random);
  const centres = Array.from({ length: topics }, () => unitGaussian(latent, random));
  return (draw: () => number): Float32Array => {
    const centre = centres[Math.floor(draw() * topics)]!;
    const spread = unitGaussian(latent, draw);
    const noise = unitGaussian(dimensions, draw);
    const vector = Float32Array.from(
      { length: dimensions },
      (_, d) => Math.sqrt(shares.common) * common[d]! + Math.sqrt(shares.noise) * noise[d]!,
    );
    for (let i = 0; i < latent; i += 1) {
      const weight = Math.sqrt(shares.topic) * centre[i]! + Math.sqrt(shares.spread) * spread[i]!;
      const row = projection[i]!;
      for (let d = 0; d < dimensions; d += 1) vector[d]! += weight * row[d]!;
    }
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  };
}

function exactTopK(vectors: readonly Float32Array[], query: Float32Array): number[] {
  const dotWithQuery = (i: number) => {
    const vector = vectors[i]!;
    let dot = 0;
    for (let d = 0; d < dimensions; d += 1) dot += vector[d]! * query[d]!;
    return dot;
  };
  return topK(vectors.keys(), k, dotWithQuery);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// Resident memory also counts garbage not yet collected; after a full collection, heap plus typed arrays and
// other memory held outside the heap is what a structure keeps.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
function retainedBytes(): number {
  collectGarbage();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

async function benchVectors(size: number): Promise<void> {
  const draw = seededRandom(size);
  const vectorOf = embeddingLikeVectors(42);
  const vectors = Array.from({ length: size }, () => vectorOf(draw));
  const queries = Array.from({ length: latencyQueries }, () => vectorOf(draw));
  const directory = await mkdtemp(join(tmpdir(), 'knn-bench-'));
  try {
    const rssBefore = process.memoryUsage().rss;
    const building = await HnswVectorIndex.open({ directory, dimensions });
    const buildStarted = performance.now();
    for (const [i, vector] of vectors.entries()) await building.upsert(`t${i}`, vector);
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const memory = process.memoryUsage().rss - rssBefore;
    await building.save();
    const fileSize = (await stat(join(directory, 'tickets.hnsw'))).size;
    console.log(
      `\nhnswlib, ${size} × ${dimensions}-d (M 16, efConstruction 200): build ${buildSeconds.toFixed(1)} s ` +
        `(${((buildSeconds * 1e6) / size).toFixed(0)} µs/vector), resident +${megabytes(memory)}, file ${megabytes(fileSize)}`,
    );

    const truth = queries.slice(0, recallQueries).map((query) => new Set(exactTopK(vectors, query).map((i) => `t${i}`)));
    console.log('efSearch  recall@10  p50 ms  p95 ms');
    for (const efSearch of efSearchValues) {
      const index = await HnswVectorIndex.open({ directory, dimensions, efSearch });
      const latencies: number[] = [];
      let found = 0;
      for (const [q, query] of queries.entries()) {
        const started = performance.now();
        const matches = await index.query(query, k);
        latencies.push(performance.now() - started);
        const expected = truth[q];
        if (expected !== undefined) found += matches.filter((match) => expected.has(match.id)).length;
      }
      const recall = found / (recallQueries * k);
      console.log(
        `${String(efSearch).padStart(8)}  ${recall.toFixed(3).padStart(9)}  ${percentile(latencies, 0.5).toFixed(2).padStart(6)}  ${percentile(latencies, 0.95).toFixed(2).padStart(6)}`,
      );
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

// Synthetic tickets: Zipf-distributed words from a 20k vocabulary, a few identifiers, titles drawn from
// the same words. Their statistics (posting lengths) are what the lexical index's speed depends on.
function syntheticTickets(size: number) {
  const random = seededRandom(7);
  const vocabulary = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
  const identifiers = Array.from({ length: 5_000 }, (_, i) => `Component${i}Exception`);
  const zipf = (n: number) => Math.floor(Math.pow(n, random())) - 1;
  const words = (count: number) => Array.from({ length: count }, () => vocabulary[zipf(vocabulary.length)]!).join(' ');
  return Array.from({ length: size }, (_, i) => ({
    ticketId: `t${i}`,
    title: words(6),
    description: `${words(60)} ${identifiers[zipf(identifiers.length)]!} ${words(20)}`,
    createdAt: new Date(Date.UTC(2020, 0, 1) + i * 600_000).toISOString(),
  }));
}

function benchLexical(size: number): void {
  const tickets = syntheticTickets(size + latencyQueries);
  const retainedBefore = retainedBytes();
  const detector = new DuplicateDetector();
  const rssBefore = process.memoryUsage().rss;
  const buildStarted = performance.now();
  for (const ticket of tickets.slice(0, size)) detector.upsert(ticket);
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const memory = process.memoryUsage().rss - rssBefore;
  const retained = retainedBytes() - retainedBefore;
  const latencies = tickets.slice(size).map((ticket) => {
    const started = performance.now();
    detector.findSimilar(ticket, k);
    return performance.now() - started;
  });
  console.log(
    `\nlexical detector, ${size} synthetic tickets: build ${buildSeconds.toFixed(1)} s, resident +${megabytes(memory)}, retained +${megabytes(retained)}; ` +
      `findSimilar(k=${k}) p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p95 ${percentile(latencies, 0.95).toFixed(2)} ms`,
  );
}

const argv = process.argv.slice(2);
const sizesArgument = argv[argv.indexOf('--sizes') + 1];
const sizes = argv.includes('--sizes') && sizesArgument !== undefined ? sizesArgument.split(',').map(Number) : [10_000, 100_000];
for (const size of sizes) {
  if (!argv.includes('--vectors-only')) benchLexical(size);
  if (!argv.includes('--lexical-only')) await benchVectors(size);
}
