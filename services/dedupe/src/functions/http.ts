import { tokenVerifierFromEnv } from '@cogdesk/shared/http/auth-config';
import { handle } from 'hono/aws-lambda';
import { createDedupeApp } from '../http/app';
import { dedupe, logger } from './dependencies';

export const app = createDedupeApp({ dedupe, logger, verifier: tokenVerifierFromEnv() });
export const handler = handle(app);
