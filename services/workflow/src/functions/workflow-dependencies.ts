/**
 * The adapters the workflow's API and consumer plug in, built once per Lambda container (or once locally)
 * from the environment serverless.yml declares. Each is built on first use and reads only its own
 * variables: the consumer's Lambda has the table but not the state machine ARN.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { loadConfig } from '@cogdesk/shared/config';
import { createLogger } from '@cogdesk/shared/observability/logger';
import { z } from 'zod';
import { SfnWorkflowExecutions } from '../application/execution-views-sfn';
import { DynamoDbTicketSnapshotStore } from '../application/ticket-snapshots-dynamodb';

export const logger = createLogger('workflow');

let snapshots: DynamoDbTicketSnapshotStore | undefined;
/** The read model of ticket snapshots (WORKFLOW_TICKETS_TABLE). */
export function ticketSnapshots(): DynamoDbTicketSnapshotStore {
  snapshots ??= new DynamoDbTicketSnapshotStore(
    new DynamoDBClient({}),
    loadConfig(z.object({ WORKFLOW_TICKETS_TABLE: z.string().min(1) })).WORKFLOW_TICKETS_TABLE,
  );
  return snapshots;
}

let executions: SfnWorkflowExecutions | undefined;
/** The cognitive chain's executions (WORKFLOW_STATE_MACHINE_ARN). */
export function workflowExecutions(): SfnWorkflowExecutions {
  executions ??= new SfnWorkflowExecutions({
    client: new SFNClient({}),
    stateMachineArn: loadConfig(z.object({ WORKFLOW_STATE_MACHINE_ARN: z.string().startsWith('arn:') })).WORKFLOW_STATE_MACHINE_ARN,
  });
  return executions;
}
