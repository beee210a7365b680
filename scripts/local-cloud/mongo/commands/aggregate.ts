import { isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import { executeQuery } from '../executor';
import type { QueryExecution } from '../executor';
import { runPipeline } from '../matching';
import { docArray, optionalDoc, optionalNumber } from './args';
import { parseSort } from './context';
import type { CommandContext, CommandTable } from './context';

const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$changeStream', '$currentOp', '$listLocalSessions', '$collStats', '$indexStats']);

export interface StartedPipeline {
  readonly execution: QueryExecution;
  /** Stages left for mingo after the leading ones were turned into the query. */
  readonly rest: Doc[];
}

/**
 * Pushes a leading `$match`, then `$sort`, `$skip` and `$limit`, down into the query planner so
 * they use indexes and stop early; mingo runs the remaining stages.
 */
export function startPipeline(pipeline: Doc[], ctx: CommandContext, collection: string, hint: unknown): StartedPipeline {
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0] ?? '';
    if (UNSUPPORTED_STAGES.has(name)) {
      throw new MongoCommandError('UnrecognizedPipelineStage', `Unrecognized pipeline stage name: '${name}' (not supported by the embedded server)`);
    }
  }
  let next = 0;
  const stageArg = (name: string): unknown => {
    const stage = pipeline[next];
    return stage && Object.keys(stage).length === 1 ? stage[name] : undefined;
  };
  let filter: Doc = {};
  const match = stageArg('$match');
  if (isPlainObject(match)) {
    filter = match;
    next++;
  }
  const sortStage = stageArg('$sort');
  const sort = isPlainObject(sortStage) ? parseSort(sortStage) : [];
  if (isPlainObject(sortStage)) next++;
  const skipStage = stageArg('$skip');
  const skip = typeof skipStage === 'number' ? skipStage : 0;
  if (typeof skipStage === 'number') next++;
  const limitStage = stageArg('$limit');
  const limit = typeof limitStage === 'number' ? limitStage : 0;
  if (typeof limitStage === 'number') next++;
  const execution = executeQuery(ctx.catalog.collection(ctx.db, collection), { filter, sort, skip, limit, hint });
  return { execution, rest: pipeline.slice(next) };
}

/**
 * Runs the whole pipeline; results stream straight from the query when nothing is left for mingo, and
 * a count (the driver's `countDocuments`) is the query's count.
 */
export function pipelineResults(started: StartedPipeline, ctx: CommandContext): Iterator<Doc> {
  if (started.rest.length === 0) return started.execution.docs;
  const counted = countStage(started.rest);
  if (counted) {
    const n = started.execution.count();
    return (n > 0 ? [{ _id: counted.id, [counted.field]: n }] : [])[Symbol.iterator]();
  }
  const resolve = (name: string): Doc[] => [...(ctx.catalog.collection(ctx.db, name)?.docs.values() ?? [])];
  return runPipeline([...started.execution.docs], started.rest, resolve)[Symbol.iterator]();
}

/** `[{ $group: { _id: <constant>, <field>: { $sum: 1 } } }]`: the one group of every document, counted. */
function countStage(rest: readonly Doc[]): { id: unknown; field: string } | undefined {
  const group = rest.length === 1 ? rest[0]!.$group : undefined;
  if (!isPlainObject(group) || Object.keys(rest[0]!).length !== 1) return undefined;
  const entries = Object.entries(group);
  if (entries.length !== 2 || entries[0]![0] !== '_id') return undefined;
  const id = entries[0]![1];
  const [field, accumulator] = entries[1]!;
  const constantId = id === null || typeof id === 'number' || typeof id === 'boolean' || (typeof id === 'string' && !id.startsWith('$'));
  const sumsOne = isPlainObject(accumulator) && Object.keys(accumulator).length === 1 && accumulator.$sum === 1;
  return constantId && sumsOne ? { id, field } : undefined;
}

export function aggregateTarget(cmd: Doc): string {
  if (typeof cmd.aggregate !== 'string') {
    throw new MongoCommandError('CommandNotSupported', 'collection-less aggregate ({ aggregate: 1 }) is not supported by the embedded server');
  }
  return cmd.aggregate;
}

function aggregate(cmd: Doc, ctx: CommandContext): Doc {
  const collection = aggregateTarget(cmd);
  const started = startPipeline(docArray(cmd, 'pipeline'), ctx, collection, cmd.hint);
  const batchSize = optionalNumber(optionalDoc(cmd, 'cursor') ?? {}, 'batchSize');
  const cursor = ctx.cursors.firstBatch(`${ctx.db}.${collection}`, pipelineResults(started, ctx), {
    ...(batchSize === undefined ? {} : { batchSize }),
  });
  return { cursor, ok: 1 };
}

export const aggregateCommands: CommandTable = { aggregate };
