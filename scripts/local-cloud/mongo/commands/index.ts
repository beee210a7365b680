import { isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError, toErrorReply } from '../errors';
import { commandName } from './args';
import { aggregateCommands } from './aggregate';
import { collectionCommands } from './collections';
import type { CommandContext, CommandTable } from './context';
import { explainCommands } from './explain';
import { findAndModifyCommands } from './find-and-modify';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { queryCommands } from './query';
import { writeCommands } from './write';

export type { CommandContext, ServerInfo } from './context';

const COMMANDS: CommandTable = {
  ...handshakeCommands,
  ...queryCommands,
  ...writeCommands,
  ...findAndModifyCommands,
  ...aggregateCommands,
  ...indexCommands,
  ...collectionCommands,
  ...explainCommands,
};

const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

/** Multi-document transactions need a replica set; mongod standalone answers the same way. */
function rejectTransactions(cmd: Doc, name: string): void {
  if (cmd.startTransaction === true || cmd.autocommit === false || TRANSACTION_COMMANDS.has(name)) {
    throw new MongoCommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos (the embedded server has no multi-document transactions)');
  }
}

/**
 * Runs one command and returns its reply document; failures become `{ ok: 0, ... }` replies.
 * Session and cluster fields (lsid, $clusterTime, txnNumber, readConcern...) are ignored.
 */
export function runCommand(cmd: Doc, ctx: CommandContext): Doc {
  const name = commandName(cmd);
  try {
    rejectTransactions(cmd, name);
    const handler = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!handler) throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    // `{ aggregate, explain: true }` is the older spelling of `{ explain: { aggregate } }`.
    if (name === 'aggregate' && cmd.explain === true) {
      const { explain: _flag, ...inner } = cmd;
      return COMMANDS.explain!({ explain: inner, verbosity: 'queryPlanner' }, ctx);
    }
    return handler(cmd, ctx);
  } catch (error) {
    if (error instanceof MongoCommandError) return toErrorReply(error);
    const message = error instanceof Error ? error.message : String(error);
    return toErrorReply(new MongoCommandError('InternalError', `${name} failed: ${message}`));
  }
}

/** `j: true` asks for the journal to be on disk, not only handed to the OS, before the reply. */
export function wantsJournalSync(cmd: Doc): boolean {
  return isPlainObject(cmd.writeConcern) && cmd.writeConcern.j === true;
}
