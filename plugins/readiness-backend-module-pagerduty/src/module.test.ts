import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  readinessChecksExtensionPoint,
} from '@prodready/plugin-readiness-node';
import readinessModulePagerduty from '.';

describe('readinessModulePagerduty', () => {
  it('adds the pagerduty-on-call check through the extension point, unknown without a token', async () => {
    const added: ReadinessCheck[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          readinessChecksExtensionPoint,
          { addCheck: (...c: ReadinessCheck[]) => added.push(...c) },
        ],
      ],
      features: [
        readinessModulePagerduty,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(added.map(c => [c.id, c.source, c.trust ?? 'verified'])).toEqual([
      ['pagerduty-on-call', 'pagerduty', 'verified'],
    ]);
    const entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        annotations: { 'pagerduty.com/service-id': 'PSVC1' },
      },
    };
    expect(
      await added[0].run({ entity } as unknown as ReadinessCheckContext),
    ).toEqual({
      outcome: 'unknown',
      summary: 'No PagerDuty API token configured',
    });
  });
});
