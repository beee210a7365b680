/**
 * A local HTTP server (127.0.0.1, OS-assigned port) that replays scripted responses in order and records
 * every request, so provider tests run the real SDK clients against recorded API answers. The Bedrock Runtime
 * client speaks HTTP/2 (its default handler), so the server can too (cleartext, prior knowledge).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo, Server as NetServer } from 'node:net';
import path from 'node:path';

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
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #sessions = new Set<Http2Session>();

  private constructor(
    private readonly server: NetServer,
    private readonly http1?: HttpServer,
  ) {}

  static async start(options: { http2?: boolean } = {}): Promise<ReplayServer> {
    const http1 = options.http2 ? undefined : createServer();
    const server = http1 ?? createHttp2Server();
    const replay = new ReplayServer(server, http1);
    server.on('session', (session: Http2Session) => {
      replay.#sessions.add(session);
      session.on('close', () => replay.#sessions.delete(session));
    });
    server.on('request', (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        replay.requests.push({
          method: request.method ?? '',
          path: decodeURIComponent(request.url ?? ''),
          headers: request.headers,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        });
        replay.#answer(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return replay;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Queues responses, answered in order; a request beyond the script gets a 500 that names the gap. */
  reply(...responses: ScriptedResponse[]): this {
    this.#script.push(...responses);
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const session of this.#sessions) session.destroy();
    this.http1?.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  #answer(response: ServerResponse | Http2ServerResponse): void {
    const next = this.#script.shift() ?? { status: 500, body: { message: `replay server: no scripted response for request ${this.requests.length}` } };
    const send = () => {
      // The client may have given up (a timeout test): there is no one left to answer.
      if (response.destroyed || response.writableEnded) return;
      response.writeHead(next.status ?? 200, { 'content-type': 'application/json', ...next.headers });
      response.end(JSON.stringify(next.body));
    };
    if (!next.delayMs) return send();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      send();
    }, next.delayMs);
    this.#timers.add(timer);
  }
}
