/**
 * The embedded server in a process of its own, as a real mongod would run. Locally every service shares
 * the local cloud's process; with the server inside it, each query's BSON work competed with the HTTP
 * handlers for the same core, and its documents and indexes (about 900 MB at 100,000 tickets) sat in
 * the same heap, lengthening every garbage collection there. The driver reaches it through the wire
 * protocol (TCP, or the Unix socket when given), exactly as before.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { superviseChild, type FailedMessage } from '../child-service';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './server';
import { DataDirLockedError } from './storage';

interface Started {
  kind: 'started';
  uri: string;
  port: number;
  socketUri?: string;
}

// The server is TypeScript. The child runs an esbuild bundle of it with plain node: no loader to start
// (tsx would add a second or so), and no tsx signal relay in the child, so Ctrl-C is handled as the
// entry point says. buildSync runs esbuild once and lets it exit; the async API keeps an esbuild service
// process (about 50 MB) alive beside the local cloud for good.
let bundled: Promise<string> | undefined;
function serverBundle(): Promise<string> {
  bundled ??= (async () => {
    const result = buildSync({
      entryPoints: [fileURLToPath(new URL('./server-process-main.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    const file = path.join(tmpdir(), `cogdesk-mongodb-server-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.cjs`);
    // Written aside and renamed into place: another process starting at the same moment may be loading it.
    const written = `${file}.${process.pid}.${threadId}.tmp`;
    await writeFile(written, code);
    await rename(written, file);
    return file;
  })();
  return bundled;
}

/** Like `startEmbeddedMongo`, with the server running in a child process that never outlives this one. */
export async function startEmbeddedMongoProcess(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  // A young generation of 32 MB semi-spaces (V8's default is 16): each command's decoded request and reply
  // die young instead of being promoted. Under a create burst at 5,000 tickets, GC fell from 12% to 10% of
  // this process's CPU and creates rose about 13% (790 → 890 req/s), for about 60 MB more RSS (64 MB gave
  // about 20% for 160 MB).
  // The old generation may grow to only 1.3 times what the last full GC kept (V8 lets it reach up to 4 times
  // on a machine with this much memory): the data lives in this heap, 450 MB of it at 100,000 tickets. At
  // 100,000 tickets after 20 s of creates, RSS ended at 754-772 MB against 935-1,033 MB, with creates
  // within the run-to-run spread (730-924 req/s against 804-1,145).
  const child = fork(await serverBundle(), [JSON.stringify(options)], { execArgv: ['--max-semi-space-size=32', '--heap-growing-percent=30'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { started, stop } = await superviseChild<Started>(child, {
    name: 'embedded MongoDB',
    failure: serverError,
    onUnexpectedExit: (error) => console.error(error.message),
  });
  return { uri: started.uri, port: started.port, ...(started.socketUri === undefined ? {} : { socketUri: started.socketUri }), stop };
}

/** The child's error as the caller would have got it in-process (the port book retries EADDRINUSE). */
function serverError(message: FailedMessage): Error {
  const error = new Error(message.message);
  if (message.name === 'DataDirLockedError') Object.setPrototypeOf(error, DataDirLockedError.prototype);
  error.name = message.name ?? 'Error';
  if (message.code !== undefined) Object.assign(error, { code: message.code });
  return error;
}
