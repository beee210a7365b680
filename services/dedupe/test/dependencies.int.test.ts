import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ticketCreated } from '@cogdesk/shared/testing/ticket-events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonBody, recorded, startReplayServer, type ReplayServer, type Responder } from './replay-server';

// The wiring every dedupe function loads (`npm start` and Lambda alike), read from the environment.
async function loadDependencies(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return import('../src/functions/dependencies');
}

const tickets = [
  { ticketId: 'printer-1', title: 'Printer jams', description: 'The printer jams on page two.', createdAt: '2024-01-01T00:00:00Z' },
  { ticketId: 'vpn-1', title: 'VPN drops', description: 'The vpn drops every hour.', createdAt: '2024-01-02T00:00:00Z' },
  { ticketId: 'printer-2', title: 'Paper stuck in the printer', description: 'printer stops with paper stuck', createdAt: '2024-01-03T00:00:00Z' },
];

// An OpenAI-compatible server answering in the recorded wire shape, with a vector per input from a few topic words.
const topics = ['printer', 'vpn', 'login', 'disk'];
const embeddingsServer: Responder = (request) => {
  const answer = recorded('openai/embeddings');
  const { input } = jsonBody<{ input: string[] }>(request);
  const body = answer.body as { data: { object: string; index: number; embedding: number[] }[] };
  body.data = input.map((text, index) => ({
    object: 'embedding',
    index,
    embedding: topics.map((topic) => text.toLowerCase().split(topic).length - 1 + 0.1),
  }));
  return answer;
};

describe('dedupe dependencies', () => {
  let dataDir: string;
  let server: ReplayServer | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dedupe-dependencies-'));
    // The lexical index, as a previous run saved it.
    await writeFile(
      path.join(dataDir, 'dedupe-index.json'),
      JSON.stringify({ snapshot: { version: 1, tickets }, state: { versions: { 'printer-1': 1, 'vpn-1': 1, 'printer-2': 1 } } }),
    );
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await server?.close();
    server = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  async function withOpenAi() {
    server = await startReplayServer(embeddingsServer);
    return {
      DEDUPE_DATA_DIR: dataDir,
      DEDUPE_EMBEDDINGS: 'openai',
      DEDUPE_OPENAI_BASE_URL: `${server.url}/v1`,
      DEDUPE_OPENAI_MODEL: 'text-embedding-3-small',
      DEDUPE_OPENAI_API_KEY: 'sk-test',
      DEDUPE_EMBEDDING_DIMENSIONS: '4',
    };
  }

  const embeddedTexts = () => server!.requests.flatMap((request) => jsonBody<{ input: string[] }>(request).input);

  it('keeps to the lexical detector unless semantic search is configured', async () => {
    const { dedupe, semanticSearchReady } = await loadDependencies({ DEDUPE_DATA_DIR: dataDir });
    await semanticSearchReady;

    const similar = await dedupe.similarTo('printer-1', 5);
    expect(similar?.[0]?.ticketId).toBe('printer-2');
    expect(similar?.every((match) => match.signals.embedding === undefined)).toBe(true);
    expect(await readdir(dataDir)).toEqual(['dedupe-index.json']);
  });

  it('rebuilds a lost vector index from the tickets of the lexical index when it loads, and only then', async () => {
    const env = await withOpenAi();
    const { dedupe, semanticSearchReady } = await loadDependencies(env);
    await semanticSearchReady;

    // Re-embedded from the title and description the lexical snapshot keeps, then saved.
    expect(embeddedTexts()).toEqual(tickets.map((ticket) => `${ticket.title}\n${ticket.description}`));
    expect((await readdir(dataDir)).sort()).toEqual([
      'dedupe-index.json',
      'tickets-text-embedding-3-small-4.hnsw',
      'tickets-text-embedding-3-small-4.ids.json',
    ]);
    const similar = await dedupe.similarTo('printer-1', 5);
    expect(similar?.find((match) => match.ticketId === 'printer-2')?.signals.embedding).toBeGreaterThan(0.9);

    // Loaded again with the vector index on disk: nothing to re-embed.
    const requestsBefore = server!.requests.length;
    const reloaded = await loadDependencies(env);
    await reloaded.semanticSearchReady;
    expect(server!.requests).toHaveLength(requestsBefore);
    expect((await reloaded.dedupe.similarTo('printer-1', 5))?.find((match) => match.ticketId === 'printer-2')?.signals.embedding).toBeGreaterThan(0.9);
  });

  it('indexes new tickets by embedding as their events arrive', async () => {
    const { dedupe, semanticSearchReady } = await loadDependencies(await withOpenAi());
    await semanticSearchReady;

    await dedupe.apply(ticketCreated({ id: 'printer-3', title: 'Printer offline', description: 'the office printer is offline', version: 1 }));
    expect(embeddedTexts()).toContain('Printer offline\nthe office printer is offline');
    const similar = await dedupe.similarTo('printer-3', 5);
    expect(similar?.find((match) => match.ticketId === 'printer-1')?.signals.embedding).toBeGreaterThan(0.9);
  });

  it('refuses to start with a configuration that lacks what the chosen provider needs, naming it', async () => {
    await expect(loadDependencies({ DEDUPE_DATA_DIR: dataDir, DEDUPE_EMBEDDINGS: 'openai', DEDUPE_VECTOR_INDEX: 'opensearch' })).rejects.toMatchObject({
      name: 'ConfigError',
      problems: [
        'DEDUPE_OPENAI_MODEL: required',
        'DEDUPE_OPENAI_API_KEY: required',
        'DEDUPE_EMBEDDING_DIMENSIONS: required',
        'DEDUPE_OPENSEARCH_ENDPOINT: required',
      ],
    });
  });
});
