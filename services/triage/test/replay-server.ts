/**
 * The shared replay server (shared/src/testing/replay-server.ts) with a script: responses are queued with
 * `reply` and answered in order, and each request is kept with its path decoded and its JSON body parsed.
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { startReplayServer, type ReplayServer as SharedReplayServer } from '@cogdesk/shared/testing/replay-server';

export interface RecordedRequest {
  readonly method: string;
  /** The path as sent, decoded (`/model/us.anthropic...:0/converse`). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
  /** Answer only after this long (to provoke client timeouts). */
  readonly delayMs?: number;
}

/** A recorded API response body from test/fixtures, in the API's wire shape. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8')) as unknown;
}

export class ReplayServer {
  readonly requests: RecordedRequest[] = [];
  readonly #script: ScriptedResponse[] = [];
  #server: SharedReplayServer | undefined;

  static async start(options: { http2?: boolean } = {}): Promise<ReplayServer> {
    const replay = new ReplayServer();
    replay.#server = await startReplayServer((request) => {
      replay.requests.push({
        method: request.method,
        path: decodeURIComponent(request.path),
        headers: request.headers,
        body: request.body === '' ? undefined : (JSON.parse(request.body) as unknown),
      });
      const next = replay.#script.shift() ?? { status: 500, body: { message: `replay server: no scripted response for request ${replay.requests.length}` } };
      return { status: next.status ?? 200, headers: { 'content-type': 'application/json', ...next.headers }, body: next.body, ...(next.delayMs ? { delayMs: next.delayMs } : {}) };
    }, options);
    return replay;
  }

  get url(): string {
    return this.#server!.url;
  }

  /** Queues responses, answered in order; a request beyond the script gets a 500 that names the gap. */
  reply(...responses: ScriptedResponse[]): this {
    this.#script.push(...responses);
    return this;
  }

  stop(): Promise<void> {
    return this.#server!.close();
  }
}
