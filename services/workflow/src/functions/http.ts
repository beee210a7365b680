import { tokenVerifierFromEnv } from '@cogdesk/shared/http/auth-config';
import { handle } from 'hono/aws-lambda';
import { createWorkflowApp } from '../http/app';
import { logger, ticketSnapshots, workflowExecutions } from './workflow-dependencies';

export const app = createWorkflowApp({ executions: workflowExecutions(), snapshots: ticketSnapshots(), verifier: tokenVerifierFromEnv(), logger });
export const handler = handle(app);
