import { describe, expect, it } from 'vitest';
import { EnergeticEmbeddingProvider } from './energetic-embedding-provider';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i += 1) dot += a[i]! * b[i]!;
  return dot / (Math.hypot(...a) * Math.hypot(...b));
}

describe('EnergeticEmbeddingProvider', () => {
  it('embeds offline, one 512-d vector per text in order, closer for closer meanings', async () => {
    const provider = new EnergeticEmbeddingProvider();
    const texts = ['The printer is out of paper', 'No paper left in the printer', 'I cannot log in to my account'];
    const [paper, paperAgain, login, ...rest] = await provider.embed(texts);
    expect(rest).toEqual([]);
    expect(provider.dimensions).toBe(512);
    expect(paper).toHaveLength(512);
    expect(cosine(paper!, paperAgain!)).toBeGreaterThan(cosine(paper!, login!));
  });

  it('embeds more texts than one batch holds', async () => {
    const provider = new EnergeticEmbeddingProvider();
    const vectors = await provider.embed(Array.from({ length: 20 }, (_, i) => `ticket number ${i}`));
    expect(vectors).toHaveLength(20);
  });
});
