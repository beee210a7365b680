/**
 * Local sign-in: a signing secret kept under the data dir (so tokens stay valid across restarts) and an
 * admin token to print; or the operator's own API_TOKEN, accepted as a fixed admin token.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';

export interface LocalAuth {
  /** What the HTTP functions read to verify tokens (see tokenVerifierFromEnv). */
  environment: Record<string, string>;
  adminToken: string;
}

export async function localAuthEnvironment(options: { dataDir: string; apiToken?: string | undefined }): Promise<LocalAuth> {
  const secret = await localSecret(path.join(options.dataDir, 'auth-secret'));
  const environment: Record<string, string> = { AUTH_LOCAL_SECRET: secret };
  if (options.apiToken) {
    environment.AUTH_STATIC_TOKENS = JSON.stringify({ [options.apiToken]: ['admin'] });
    return { environment, adminToken: options.apiToken };
  }
  const adminToken = await createLocalTokenIssuer(secret).issue({ sub: 'local-admin', roles: ['admin'], expiresIn: '30d' });
  return { environment, adminToken };
}

async function localSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
