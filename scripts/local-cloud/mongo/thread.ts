/**
 * The embedded server on a thread of its own. Locally every service shares one Node process; with the
 * server on the main thread, each query's BSON decoding, planning and reply encoding competed with the
 * HTTP handlers for the same core. On its own thread it uses the machine's other core, as a real mongod
 * would, and the driver still reaches it through the wire protocol (TCP, or the Unix socket when given).
 */
import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId, Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './server';
import { DataDirLockedError } from './storage';

type FromThread =
  | { kind: 'started'; uri: string; port: number; socketUri?: string }
  | { kind: 'failed'; name: string; message: string; code?: string }
  | { kind: 'stopped' };

// The server is TypeScript, and neither vitest's transform nor the tsx CLI's loader reaches a worker
// thread (loading tsx in the thread would connect it to the tsx CLI's signal relay in the main thread's
// place, so Ctrl-C would kill instead of shutting down). So the thread runs an esbuild bundle of it.
let bundled: Promise<string> | undefined;
function threadBundle(): Promise<string> {
  bundled ??= (async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./thread-main.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const file = path.join(tmpdir(), `cogdesk-mongodb-thread-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`);
    // Written aside and renamed into place: another process starting at the same moment may be loading it.
    const written = `${file}.${process.pid}.${threadId}.tmp`;
    await writeFile(written, code);
    await rename(written, file);
    return file;
  })();
  return bundled;
}

/** Like `startEmbeddedMongo`, with the server running on a worker thread. */
export async function startEmbeddedMongoThread(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const worker = new Worker(await threadBundle(), { workerData: options });
  return new Promise((resolve, reject) => {
    const failedToStart = (error: Error) => reject(error);
    worker.once('error', failedToStart);
    worker.once('message', (message: FromThread) => {
      worker.off('error', failedToStart);
      if (message.kind === 'failed') {
        reject(threadError(message));
        return;
      }
      if (message.kind !== 'started') {
        reject(new Error(`embedded MongoDB thread sent ${message.kind} before starting`));
        return;
      }
      worker.on('error', (error) => console.error('embedded MongoDB thread failed', error));
      let stopping: Promise<void> | undefined;
      resolve({
        uri: message.uri,
        port: message.port,
        ...(message.socketUri === undefined ? {} : { socketUri: message.socketUri }),
        stop: () =>
          (stopping ??= new Promise<void>((stopped, failed) => {
            worker.once('message', (reply: FromThread) => (reply.kind === 'stopped' ? stopped() : failed(threadError(reply as Extract<FromThread, { kind: 'failed' }>))));
            worker.once('exit', () => stopped());
            worker.postMessage('stop');
          })),
      });
    });
  });
}

/** The thread's error as the caller would have got it in-process (the port book retries EADDRINUSE). */
function threadError(message: Extract<FromThread, { kind: 'failed' }>): Error {
  const error = new Error(message.message);
  if (message.name === 'DataDirLockedError') Object.setPrototypeOf(error, DataDirLockedError.prototype);
  error.name = message.name;
  if (message.code !== undefined) Object.assign(error, { code: message.code });
  return error;
}
