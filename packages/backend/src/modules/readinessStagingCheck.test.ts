import { startTestBackend } from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  ReadinessCheck,
  readinessChecksExtensionPoint,
} from '@prodready/plugin-readiness-node';
import { readinessStagingCheckModule } from './readinessStagingCheck';

describe('readinessStagingCheckModule', () => {
  it('adds a staging-parity check through the readiness extension point', async () => {
    const added: ReadinessCheck[] = [];
    // A stand-in readiness plugin that only collects checks from the extension point.
    const collector = createBackendPlugin({
      pluginId: 'readiness',
      register(env) {
        env.registerExtensionPoint(readinessChecksExtensionPoint, {
          addCheck: (...checks) => added.push(...checks),
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    await startTestBackend({
      features: [collector, readinessStagingCheckModule],
    });
    expect(added.map(c => c.id)).toEqual(['staging-parity']);
    // It reads a link the team wrote, so its evidence is a claim, not proof.
    expect(added[0].trust).toBe('claimed');
    const run = (links: any[]) =>
      added[0].run({
        entity: {
          apiVersion: 'v1',
          kind: 'Component',
          metadata: { name: 'x', links },
        },
        entityRef: 'component:default/x',
        runbooks: [],
        task: {} as any,
        config: {} as any,
        now: new Date(),
      });
    expect(
      await run([{ url: 'https://staging.example.com', type: 'staging' }]),
    ).toEqual({
      outcome: 'passed',
      summary: 'Staging environment: https://staging.example.com',
      url: 'https://staging.example.com',
    });
    expect(await run([])).toMatchObject({ outcome: 'failed' });
  });
});
