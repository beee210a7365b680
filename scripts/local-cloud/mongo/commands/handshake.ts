import type { Doc } from '../documents';
import type { CommandContext, CommandTable } from './context';

/** MongoDB 7.0's wire version: the driver enables every feature we serve (OP_MSG, sessions...). */
const MAX_WIRE_VERSION = 21;
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_MESSAGE_SIZE_BYTES = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;
const VERSION = '7.0.0';

/**
 * A standalone primary: no `setName` (so no replica set discovery) and no `topologyVersion` (so the
 * driver polls instead of streaming awaitable hellos). No `compression` is offered.
 */
function hello(_cmd: Doc, ctx: CommandContext): Doc {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function buildInfo(): Doc {
  return {
    version: VERSION,
    gitVersion: 'cogdesk-embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['cogdesk-embedded'],
    javascriptEngine: 'none',
    modules: [],
    ok: 1,
  };
}

const PARAMETERS: Doc = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  maxBSONObjectSize: MAX_BSON_OBJECT_SIZE,
};

/** Answers the parameters asked for (or all with `getParameter: '*'`). */
function getParameter(cmd: Doc): Doc {
  const wanted = cmd.getParameter === '*' ? Object.keys(PARAMETERS) : Object.keys(cmd).filter((key) => key in PARAMETERS);
  return { ...Object.fromEntries(wanted.map((key) => [key, PARAMETERS[key]])), ok: 1 };
}

export const handshakeCommands: CommandTable = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  // Sessions only scope cursors and transactions; we keep no per-session state.
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
};
