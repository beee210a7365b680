/** `TicketSnapshotStore` on DynamoDB (the adapter behind the workflow's read model of tickets). */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TicketSnapshot } from '@cogdesk/events-schema';
import type { StoredTicketSnapshot, TicketSnapshotChange, TicketSnapshotStore } from './ticket-snapshots';

/**
 * One item per ticket in a table keyed by `ticketId` (string): `version`, `deleted`, the snapshot as JSON
 * text (`snapshot`, absent on a tombstone) and the carrying event's id and time. Writes are conditional puts,
 * so the highest version wins however events arrive, with no read first and no lost race.
 */
export class DynamoDbTicketSnapshotStore implements TicketSnapshotStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async save(change: TicketSnapshotChange): Promise<boolean> {
    const { ticket, deleted } = change;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ticketId: { S: ticket.id },
            version: { N: String(ticket.version) },
            deleted: { BOOL: deleted },
            // A deleted ticket's data is not kept: the tombstone only stops older events bringing it back.
            ...(deleted ? {} : { snapshot: { S: JSON.stringify(ticket) } }),
            eventId: { S: change.eventId },
            eventTime: { S: change.eventTime },
          },
          ConditionExpression: deleted
            ? 'attribute_not_exists(ticketId) OR #version < :version OR (#version = :version AND #deleted = :live)'
            : 'attribute_not_exists(ticketId) OR #version < :version',
          ExpressionAttributeNames: { '#version': 'version', ...(deleted ? { '#deleted': 'deleted' } : {}) },
          ExpressionAttributeValues: { ':version': { N: String(ticket.version) }, ...(deleted ? { ':live': { BOOL: false } } : {}) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(ticketId: string): Promise<StoredTicketSnapshot | null> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: { ticketId: { S: ticketId } }, ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      ticketId,
      version: Number(Item.version?.N ?? 0),
      deleted: Item.deleted?.BOOL === true,
      ticket: Item.snapshot?.S ? (JSON.parse(Item.snapshot.S) as TicketSnapshot) : null,
      eventId: Item.eventId?.S ?? '',
      eventTime: Item.eventTime?.S ?? '',
    };
  }
}
