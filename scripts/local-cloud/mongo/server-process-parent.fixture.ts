/**
 * Child process for the orphan test: starts the embedded server in its own process on the data directory
 * given as the first argument, prints `started <uri>`, and waits to be killed.
 */
import { startEmbeddedMongoProcess } from './server-process';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: server-process-parent.fixture.ts <dataDir>');
const mongo = await startEmbeddedMongoProcess({ dataDir });
console.log(`started ${mongo.uri}`);
setInterval(() => undefined, 60_000);
