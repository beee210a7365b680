/**
 * `npm run package [-- --stage <name>]`: `serverless package` (osls) of the platform and every service,
 * offline with dummy credentials, then the checks every template must pass. CI runs it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultServiceDirs } from './service-dirs';
import { checkTemplate, type Template } from './packaging/template-checks';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { stage: { type: 'string', default: 'dev' } } });
const stage = values.stage;
let failed = false;
// The bundler leaves a work directory per function in the temp dir; give it one of ours to remove after.
const workDir = mkdtempSync(path.join(tmpdir(), 'cogdesk-package-'));

for (const dir of defaultServiceDirs(root).filter((candidate) => existsSync(path.join(candidate, 'serverless.yml')))) {
  const name = path.relative(root, dir) || 'platform';
  const started = Date.now();
  const result = spawnSync('npx', ['osls', 'package', '--stage', stage], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: workDir, AWS_ACCESS_KEY_ID: 'package-offline', AWS_SECRET_ACCESS_KEY: 'package-offline', AWS_REGION: 'us-east-1', SLS_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    failed = true;
    console.error(`✗ ${name}: serverless package failed\n${result.stdout}${result.stderr}`);
    continue;
  }
  const template = JSON.parse(readFileSync(path.join(dir, '.serverless/cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const problems = checkTemplate(template);
  if (problems.length > 0) failed = true;
  const resources = Object.keys(template.Resources ?? {}).length;
  console.info(`${problems.length ? '✗' : '✓'} ${name}: ${resources} resources (${Date.now() - started} ms)${problems.map((p) => `\n    ${p}`).join('')}`);
}

rmSync(workDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
