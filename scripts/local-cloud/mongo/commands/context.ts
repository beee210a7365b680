import type { Catalog } from '../catalog';
import type { CursorRegistry } from '../cursors';
import { isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import type { IndexField } from '../indexes';
import { commandName, stringArg } from './args';

export interface ServerInfo {
  readonly host: string;
  readonly port: number;
}

/** What a command runs against: the target database (`$db`) and the server's shared state. */
export interface CommandContext {
  readonly db: string;
  readonly catalog: Catalog;
  readonly cursors: CursorRegistry;
  readonly connectionId: number;
  readonly server: ServerInfo;
}

export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc;

export type CommandTable = Readonly<Record<string, CommandHandler>>;

/** The collection a command names in its first field, e.g. `{ find: 'tickets' }`. */
export function collectionName(cmd: Doc): string {
  return stringArg(cmd, commandName(cmd));
}

/** Parses a sort document into fields; `$natural` (storage order) needs no sort. */
export function parseSort(sort: Doc | undefined): IndexField[] {
  if (!sort) return [];
  return Object.entries(sort).flatMap(([path, direction]): IndexField[] => {
    if (path === '$natural') return [];
    if (typeof direction !== 'number' || direction === 0 || Number.isNaN(direction)) {
      const shown = isPlainObject(direction) ? JSON.stringify(direction) : String(direction);
      throw new MongoCommandError('BadValue', `$sort key ordering must be 1 (for ascending) or -1 (for descending), got ${path}: ${shown}`);
    }
    return [{ path, direction: direction > 0 ? 1 : -1 }];
  });
}
