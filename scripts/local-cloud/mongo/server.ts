import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Catalog } from './catalog';
import { runCommand, wantsJournalSync } from './commands';
import type { ServerInfo } from './commands';
import { CURSOR_IDLE_MS, CursorRegistry } from './cursors';
import { isPlainObject } from './documents';
import type { Doc } from './documents';
import { MongoCommandError, toErrorReply } from './errors';
import { Storage } from './storage';
import { removeExpiredDocuments, TTL_SWEEP_INTERVAL_MS } from './ttl';
import { decodeMessage, encodeMsg, encodeReply, MessageFramer } from './wire';
import type { CommandRequest } from './wire';

export interface EmbeddedMongoOptions {
  /** Where data and the journal live; created if missing, locked while the server runs. */
  readonly dataDir: string;
  /** 0 (the default) lets the OS pick a free port. */
  readonly port?: number;
  readonly host?: string;
  /**
   * Also listen on this Unix domain socket: same-machine clients skip the TCP stack, which on small
   * virtual machines costs more than the query itself.
   */
  readonly socketPath?: string;
}

export interface EmbeddedMongo {
  /** A connection string for `new MongoClient(uri)`. */
  readonly uri: string;
  readonly port: number;
  /** A connection string over `socketPath`, when one was given. */
  readonly socketUri?: string;
  /** Closes connections, flushes and syncs the journal, and releases the data directory. */
  stop(): Promise<void>;
}

interface ServerState {
  readonly catalog: Catalog;
  readonly storage: Storage;
  readonly cursors: CursorRegistry;
  info: ServerInfo;
  nextRequestId: number;
  nextConnectionId: number;
}

/**
 * Starts an in-process MongoDB-compatible server (wire protocol over TCP, persisted under
 * `dataDir`) so services use the official driver locally exactly as against a real MongoDB.
 *
 * @example
 * const mongo = await startEmbeddedMongo({ dataDir: '.data/mongo' });
 * const client = new MongoClient(mongo.uri);
 * // ...
 * await client.close();
 * await mongo.stop();
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const { storage, catalog } = Storage.open(options.dataDir);
  const state: ServerState = { catalog, storage, cursors: new CursorRegistry(), info: { host, port: 0 }, nextRequestId: 1, nextConnectionId: 1 };
  const sockets = new Set<Socket>();
  const accept = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, state);
  };
  const server = createServer(accept);
  const socketServer = options.socketPath === undefined ? undefined : createServer(accept);
  try {
    await listen(server, options.port ?? 0, host);
    if (socketServer) await listenOnSocket(socketServer, options.socketPath!);
  } catch (error) {
    server.close();
    await storage.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  state.info = { host, port };
  const timers = [
    setInterval(() => state.cursors.reapIdle(), CURSOR_IDLE_MS / 10),
    setInterval(() => sweepExpired(state), TTL_SWEEP_INTERVAL_MS),
  ];
  for (const timer of timers) timer.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      const closing = [server, ...(socketServer ? [socketServer] : [])];
      await Promise.all(closing.map((listening) => new Promise<void>((resolve) => listening.close(() => resolve()))));
      await storage.close();
    })();
    return stopping;
  };
  return {
    uri: `mongodb://${host}:${port}/?directConnection=true`,
    port,
    ...(options.socketPath === undefined ? {} : { socketUri: `mongodb://${encodeURIComponent(options.socketPath)}/?directConnection=true` }),
    stop,
  };
}

/** Listens on a Unix socket path, replacing a stale socket file a killed server left behind. */
async function listenOnSocket(server: Server, socketPath: string): Promise<void> {
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function sweepExpired(state: ServerState): void {
  if (state.storage.failed) return;
  removeExpiredDocuments(state.catalog, new Date());
  try {
    state.storage.commit({ sync: false });
  } catch {
    // The storage now reports itself failed; every later command replies with that error.
  }
}

function serveConnection(socket: Socket, state: ServerState): void {
  socket.setNoDelay(true);
  const framer = new MessageFramer();
  const connectionId = state.nextConnectionId++;
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    let messages: Buffer[];
    try {
      messages = framer.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    socket.cork();
    for (const message of messages) {
      let reply: Buffer | undefined;
      try {
        reply = answer(decodeMessage(message), state, connectionId);
      } catch {
        // An undecodable request has nothing a reply could answer to; never let it reach the host process.
        socket.destroy();
        return;
      }
      if (reply) socket.write(reply);
    }
    socket.uncork();
  });
}

/** Runs a request's command and encodes the reply (none for `moreToCome` fire-and-forget writes). */
function answer(request: CommandRequest, state: ServerState, connectionId: number): Buffer | undefined {
  const responseTo = request.header.requestId;
  if (request.kind === 'query') {
    const db = request.fullCollectionName.split('.')[0] ?? 'admin';
    // Legacy commands may wrap the command in $query alongside $readPreference.
    const cmd = isPlainObject(request.query.$query) ? request.query.$query : request.query;
    return encodeReply(state.nextRequestId++, responseTo, execute(cmd, db, state, connectionId));
  }
  const db = request.body.$db;
  const reply =
    typeof db === 'string'
      ? execute(request.body, db, state, connectionId)
      : toErrorReply(new MongoCommandError('FailedToParse', 'OP_MSG requests require a $db argument'));
  if (request.moreToCome) return undefined;
  try {
    return encodeMsg({ requestId: state.nextRequestId++, responseTo, body: reply });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return encodeMsg({ requestId: state.nextRequestId++, responseTo, body: toErrorReply(new MongoCommandError('InternalError', `reply could not be encoded: ${message}`)) });
  }
}

/** Runs a command, then makes its changes durable before the reply is released. */
function execute(cmd: Doc, db: string, state: ServerState, connectionId: number): Doc {
  const failure = state.storage.failed;
  if (failure) return toErrorReply(new MongoCommandError('InternalError', `journal write failed earlier, restart the server: ${failure.message}`));
  const reply = runCommand(cmd, { db, catalog: state.catalog, cursors: state.cursors, connectionId, server: state.info });
  try {
    state.storage.commit({ sync: wantsJournalSync(cmd) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return toErrorReply(new MongoCommandError('InternalError', `journal write failed: ${message}`));
  }
  return reply;
}
