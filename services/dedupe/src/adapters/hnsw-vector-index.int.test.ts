import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HnswVectorIndex, VectorDimensionsMismatchError } from './hnsw-vector-index';

const dimensions = 8;

// A unit vector along one axis, nudged towards the next so neighbours are unambiguous.
function vector(axis: number, nudge = 0): Float32Array {
  const values = new Float32Array(dimensions);
  values[axis % dimensions] = 1;
  values[(axis + 1) % dimensions] = nudge;
  return values;
}

describe('HnswVectorIndex', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'hnsw-vector-index-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const open = (initialCapacity = 4) => HnswVectorIndex.open({ directory, dimensions, initialCapacity });

  it('returns the nearest vectors by cosine similarity, most similar first', async () => {
    const index = await open();
    await index.upsert('a', vector(0));
    await index.upsert('b', vector(0, 0.5));
    await index.upsert('c', vector(3));
    const matches = await index.query(vector(0, 0.1), 2);
    expect(matches.map((match) => match.id)).toEqual(['a', 'b']);
    expect(matches[0]!.similarity).toBeGreaterThan(matches[1]!.similarity);
    expect(matches[0]!.similarity).toBeCloseTo(1 / Math.hypot(1, 0.1), 5);
  });

  it('persists to its directory and reloads', async () => {
    const index = await open();
    await index.upsert('a', vector(0));
    await index.upsert('b', vector(2));
    await index.save();
    expect((await readdir(directory)).sort()).toEqual(['tickets.hnsw', 'tickets.ids.json']);

    const reloaded = await open();
    expect(reloaded.size).toBe(2);
    expect((await reloaded.query(vector(2), 1))[0]?.id).toBe('b');
  });

  it('removes ids, keeps them removed across a reload, and reuses their slots', async () => {
    const index = await open(2);
    await index.upsert('a', vector(0));
    await index.upsert('b', vector(1));
    expect(await index.remove('a')).toBe(true);
    expect(await index.remove('a')).toBe(false);
    expect(index.size).toBe(1);
    expect((await index.query(vector(0), 2)).map((match) => match.id)).toEqual(['b']);
    await index.save();

    const reloaded = await open(2);
    expect((await reloaded.query(vector(0), 2)).map((match) => match.id)).toEqual(['b']);
    await reloaded.upsert('c', vector(0));
    expect(reloaded.capacity).toBe(2);
    expect((await reloaded.query(vector(0), 1))[0]?.id).toBe('c');
  });

  it('replaces the vector of an id on update', async () => {
    const index = await open();
    await index.upsert('a', vector(0));
    await index.upsert('b', vector(4));
    await index.upsert('a', vector(4, 0.2));
    expect(index.size).toBe(2);
    expect((await index.query(vector(0), 1))[0]!.similarity).toBeLessThan(0.5);
    expect((await index.query(vector(4), 2)).map((match) => match.id).sort()).toEqual(['a', 'b']);
  });

  it('grows past its initial capacity', async () => {
    const index = await open(2);
    for (let i = 0; i < 20; i += 1) await index.upsert(`t${i}`, vector(i % dimensions, i / 20));
    expect(index.size).toBe(20);
    expect(index.capacity).toBeGreaterThanOrEqual(20);
    await index.save();
    const reloaded = await open(2);
    expect(reloaded.size).toBe(20);
    expect((await reloaded.query(vector(3, 3 / 20), 1))[0]?.id).toBe('t3');
  });

  it('answers an empty index and a k beyond its size', async () => {
    const index = await open();
    expect(await index.query(vector(0), 5)).toEqual([]);
    await index.upsert('a', vector(0));
    expect(await index.query(vector(0), 50)).toHaveLength(1);
  });

  it('applies changes made while a save runs after it, so the files hold one consistent state', async () => {
    const index = await open(2);
    await index.upsert('a', vector(0));
    const order: string[] = [];
    const saving = index.save().then(() => order.push('saved'));
    // Past the initial capacity: the resize would reallocate the graph hnswlib is writing.
    const changes = ['b', 'c', 'd'].map((id, i) => index.upsert(id, vector(i + 1)).then(() => order.push(id)));
    expect(index.size).toBe(1);
    await Promise.all([saving, ...changes]);
    expect(order).toEqual(['saved', 'b', 'c', 'd']);
    expect((await open(2)).size).toBe(1);
    expect(index.size).toBe(4);
  });

  it('rejects vectors of the wrong size, and an index saved with another size', async () => {
    const index = await open();
    await expect(index.upsert('a', new Float32Array(3))).rejects.toThrow(VectorDimensionsMismatchError);
    await index.save();
    await expect(HnswVectorIndex.open({ directory, dimensions: 16 })).rejects.toThrow(VectorDimensionsMismatchError);
  });
});
