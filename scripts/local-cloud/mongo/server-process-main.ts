/**
 * Entry point of the embedded server's own process (see server-process.ts). It stops when the parent
 * asks, and also when the parent goes away without asking (crash, SIGKILL), so it never outlives it.
 * Ctrl-C reaches the whole process group: the server ignores SIGINT and lets the parent stop it last,
 * after the services that still write to it.
 */
import { exitAfter } from '../child-service';
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './server';

const failure = (error: unknown) => {
  const { name, message, code } = error as Error & { code?: string };
  return { kind: 'failed' as const, name, message, ...(typeof code === 'string' ? { code } : {}) };
};

process.on('SIGINT', () => undefined);
const options = JSON.parse(process.argv[2]!) as EmbeddedMongoOptions;

let stopping: Promise<void> | undefined;
function stop(mongo: EmbeddedMongo): Promise<void> {
  stopping ??= mongo.stop().then(
    () => exitAfter({ kind: 'stopped' }, 0),
    (error: unknown) => exitAfter(failure(error), 1),
  );
  return stopping;
}

startEmbeddedMongo(options).then(
  (mongo) => {
    process.on('message', () => void stop(mongo));
    process.on('disconnect', () => void stop(mongo));
    process.on('SIGTERM', () => void stop(mongo));
    process.send!({ kind: 'started', uri: mongo.uri, port: mongo.port, socketUri: mongo.socketUri });
  },
  (error: unknown) => exitAfter(failure(error), 1),
);
