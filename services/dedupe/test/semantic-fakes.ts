/** In-memory stand-ins for the semantic search ports, shared by the dedupe tests. */
import type { EmbeddingProvider, VectorIndex, VectorMatch } from '../src/adapters/ports';

/** Embeds a text as counts of a few topic words: enough to tell the fakes' neighbours apart. */
export class TopicEmbeddings implements EmbeddingProvider {
  readonly model = 'topic-words';
  readonly topics = ['printer', 'vpn', 'login', 'disk'];
  readonly dimensions = this.topics.length;
  /** The texts of each call, in order. */
  readonly calls: string[][] = [];
  /** While set, embed() waits for it. */
  gate: Promise<void> | undefined;
  failing = false;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    this.calls.push([...texts]);
    await this.gate;
    if (this.failing) throw new Error('model unavailable');
    return texts.map((text) => Float32Array.from(this.topics, (topic) => text.toLowerCase().split(topic).length - 1));
  }
}

/** Exact cosine search over a map; counts saves. */
export class InMemoryVectorIndex implements VectorIndex {
  readonly vectors = new Map<string, Float32Array>();
  saves = 0;

  get size(): number {
    return this.vectors.size;
  }

  upsert(id: string, vector: Float32Array): Promise<void> {
    this.vectors.set(id, vector);
    return Promise.resolve();
  }

  remove(id: string): Promise<boolean> {
    return Promise.resolve(this.vectors.delete(id));
  }

  query(vector: Float32Array, k: number): Promise<VectorMatch[]> {
    const cosine = (a: Float32Array, b: Float32Array) => {
      const dot = a.reduce((sum, value, i) => sum + value * b[i]!, 0);
      return dot / (Math.hypot(...a) * Math.hypot(...b) || 1);
    };
    const matches = [...this.vectors].map(([id, stored]) => ({ id, similarity: cosine(vector, stored) }));
    return Promise.resolve(matches.sort((a, b) => b.similarity - a.similarity).slice(0, k));
  }

  save(): Promise<void> {
    this.saves += 1;
    return Promise.resolve();
  }
}
