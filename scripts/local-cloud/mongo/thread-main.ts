/** Entry point of the embedded server's thread (see thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './server';

const port = parentPort!;
const failure = (error: unknown) => {
  const { name, message, code } = error as Error & { code?: string };
  return { kind: 'failed' as const, name, message, ...(typeof code === 'string' ? { code } : {}) };
};

startEmbeddedMongo(workerData as EmbeddedMongoOptions).then(
  (mongo) => {
    port.once('message', () => {
      mongo.stop().then(
        () => {
          port.postMessage({ kind: 'stopped' });
          port.close();
        },
        (error: unknown) => port.postMessage(failure(error)),
      );
    });
    port.postMessage({ kind: 'started', uri: mongo.uri, port: mongo.port, socketUri: mongo.socketUri });
  },
  (error: unknown) => {
    port.postMessage(failure(error));
    port.close();
  },
);
