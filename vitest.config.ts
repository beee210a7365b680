import { defineConfig } from 'vitest/config';

// Three tiers (DESIGN.md §4.6): pure unit tests, integration tests through real adapters on
// local emulators, and end-to-end tests through HTTP (and a real browser for the dashboard).
const exclude = ['**/node_modules/**', '**/.data/**', '**/.serverless/**', '**/dist/**'];

export default defineConfig({
  test: {
    env: {
      // Tests assert behaviour, not metric output; and the SDK's "Node 22 soon" notice is noise here.
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Emulators accept any credentials; the SDK still wants some.
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // Expected failures (poison events, retries) would flood the output; assertions say what matters.
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    },
    projects: [
      { test: { name: 'unit', include: ['**/*.unit.test.ts'], exclude } },
      {
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
