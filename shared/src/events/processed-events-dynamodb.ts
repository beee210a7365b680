import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DEFAULT_IN_PROGRESS_TTL_SECONDS,
  DEFAULT_RETENTION_DAYS,
  type ClaimResult,
  type ProcessedEventStore,
  type ProcessedEventStoreTiming,
} from './processed-events';

export interface DynamoDbProcessedEventStoreOptions extends ProcessedEventStoreTiming {
  client: DynamoDBClient;
  /** A table with partition key `pk` (string) and TTL enabled on `expiresAt`. */
  tableName: string;
  /** Keeps each consumer's record apart, so several consumers can share one table. */
  consumerName: string;
}

/**
 * `ProcessedEventStore` on DynamoDB. One item per consumer and event: `pk` = `<consumerName>#<eventId>`,
 * `status` (`in-progress` | `completed`) and `expiresAt` (epoch seconds, the table's TTL attribute). A claim is
 * a conditional put that succeeds only when no item exists or the existing one has expired, so two
 * workers never both hold it; TTL deletion is lazy, hence the explicit expiry check.
 *
 * @example
 *   const processedEvents = new DynamoDbProcessedEventStore({
 *     client: new DynamoDBClient({}), tableName: config.PROCESSED_EVENTS_TABLE, consumerName: 'analytics-projector',
 *     inProgressTtlSeconds: 60, retentionDays: 7,
 *   });
 */
export class DynamoDbProcessedEventStore implements ProcessedEventStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #consumerName: string;
  readonly #inProgressTtlSeconds: number;
  readonly #retentionSeconds: number;
  readonly #now: () => number;

  constructor(options: DynamoDbProcessedEventStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#consumerName = options.consumerName;
    this.#inProgressTtlSeconds = options.inProgressTtlSeconds ?? DEFAULT_IN_PROGRESS_TTL_SECONDS;
    this.#retentionSeconds = (options.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400;
    this.#now = options.now ?? Date.now;
  }

  async claim(eventId: string): Promise<ClaimResult> {
    const now = this.#nowSeconds();
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#tableName,
          Item: this.#item(eventId, 'in-progress', now + this.#inProgressTtlSeconds),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const { Item } = await this.#client.send(
      new GetItemCommand({ TableName: this.#tableName, Key: this.#key(eventId), ConsistentRead: true }),
    );
    // No item means it was released just now; 'in-progress' makes the caller retry later, which is safe.
    return Item?.status?.S === 'completed' ? 'already-processed' : 'in-progress';
  }

  async complete(eventId: string): Promise<void> {
    await this.#client.send(
      new PutItemCommand({
        TableName: this.#tableName,
        Item: this.#item(eventId, 'completed', this.#nowSeconds() + this.#retentionSeconds),
      }),
    );
  }

  async release(eventId: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#tableName,
          Key: this.#key(eventId),
          ConditionExpression: '#status = :inProgress',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': { S: 'in-progress' } },
        }),
      );
    } catch (error) {
      // Already completed (or gone): nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  #nowSeconds(): number {
    return Math.floor(this.#now() / 1000);
  }

  #key(eventId: string) {
    return { pk: { S: `${this.#consumerName}#${eventId}` } };
  }

  #item(eventId: string, status: 'in-progress' | 'completed', expiresAt: number) {
    return {
      ...this.#key(eventId),
      eventId: { S: eventId },
      consumer: { S: this.#consumerName },
      status: { S: status },
      expiresAt: { N: String(expiresAt) },
    };
  }
}
