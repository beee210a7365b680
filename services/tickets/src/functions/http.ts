import { tokenVerifierFromEnv } from '@cogdesk/shared/http/auth-config';
import { handle } from 'hono/aws-lambda';
import { createTicketsApp } from '../http/app';
import { idempotency, logger, publishAfterResponse, ready, relay, store } from './dependencies';

export const app = createTicketsApp({ store, idempotency, relay, logger, verifier: tokenVerifierFromEnv(), ready, publishAfterResponse });
export const handler = handle(app);

export { dispose } from './dependencies';
