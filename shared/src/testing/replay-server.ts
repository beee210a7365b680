/**
 * A server on 127.0.0.1 (HTTP/1.1, or HTTP/2 without TLS as the Bedrock runtime client speaks it) that
 * answers each request with a recorded response, and keeps what it received: provider tests run the real
 * SDK clients against it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttp2Server, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface RecordedResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON, or a string sent as is. */
  body?: unknown;
  /** Answer only after this long (to provoke client timeouts). */
  delayMs?: number;
}

export interface Recording {
  description: string;
  response: RecordedResponse;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query, as sent (percent-encoding kept). */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ReplayServer {
  url: string;
  readonly requests: ReceivedRequest[];
  /** The most requests that were being answered at once. */
  readonly peakConcurrency: number;
  close(): Promise<void>;
}

export type Responder = (request: ReceivedRequest, index: number) => RecordedResponse | Promise<RecordedResponse>;

/** The recorded response of `<fixtures>/<name>.json` (a `Recording`), a fresh copy each time. */
export function recordedIn(fixtures: string, name: string): RecordedResponse {
  return (JSON.parse(readFileSync(path.join(fixtures, `${name}.json`), 'utf8')) as Recording).response;
}

/** Answers the n-th request with the n-th response; fails the request (500) when there are none left. */
export function inOrder(...responses: RecordedResponse[]): Responder {
  return (_request, index) => responses[index] ?? { status: 500, body: { message: `no recorded response for request ${index + 1}` } };
}

export function jsonBody<T>(request: ReceivedRequest): T {
  return JSON.parse(request.body) as T;
}

export async function startReplayServer(respond: Responder, options: { http2?: boolean; delayMs?: number } = {}): Promise<ReplayServer> {
  const requests: ReceivedRequest[] = [];
  let inFlight = 0;
  let peakConcurrency = 0;

  const handle = async (
    request: { method?: string; url?: string; headers: IncomingHttpHeaders } & AsyncIterable<Buffer | string>,
    response: { destroyed: boolean; writableEnded: boolean; writeHead(status: number, headers: Record<string, string>): unknown; end(body: string): unknown },
  ) => {
    inFlight += 1;
    peakConcurrency = Math.max(peakConcurrency, inFlight);
    try {
      let body = '';
      for await (const chunk of request) body += chunk.toString();
      const received: ReceivedRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
      const index = requests.push(received) - 1;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const answer = await respond(received, index);
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      // The client may have given up (a timeout test): there is no one left to answer.
      if (response.destroyed || response.writableEnded) return;
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      response.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) });
      response.end(request.method === 'HEAD' ? '' : text);
    } finally {
      inFlight -= 1;
    }
  };

  // Clients keep HTTP/2 sessions (and HTTP/1.1 keep-alive connections) open for reuse: end them on close,
  // or the server never closes.
  const sessions = new Set<Http2Session>();
  const server = options.http2
    ? createHttp2Server((request, response) => void handle(request, response)).on('session', (session) => {
        sessions.add(session);
        session.on('close', () => sessions.delete(session));
      })
    : createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    get peakConcurrency() {
      return peakConcurrency;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
