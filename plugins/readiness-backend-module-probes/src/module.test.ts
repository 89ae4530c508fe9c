import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import {
  ReadinessCheck,
  ReadinessCheckContext,
  readinessChecksExtensionPoint,
} from '@prodready/plugin-readiness-node';
import readinessModuleProbes from '.';
import { entity } from './__fixtures__/servers';

async function checksWith(config: object) {
  const added: ReadinessCheck[] = [];
  await startTestBackend({
    extensionPoints: [
      [
        readinessChecksExtensionPoint,
        { addCheck: (...c: ReadinessCheck[]) => added.push(...c) },
      ],
    ],
    features: [
      readinessModuleProbes,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return added;
}

const service = entity({
  links: [
    { type: 'website', url: 'https://www.example.test/' },
    { type: 'health', url: 'https://www.example.test/health' },
  ],
});
const context = { entity: service, now: new Date() } as ReadinessCheckContext;

describe('readinessModuleProbes', () => {
  it('adds probe-tls-headers and probe-health, which stay unknown until hosts are allowed', async () => {
    const added = await checksWith({});
    expect(added.map(c => [c.id, c.source, c.trust ?? 'verified'])).toEqual([
      ['probe-tls-headers', 'probe', 'verified'],
      ['probe-health', 'probe', 'verified'],
    ]);
    const unconfigured = {
      outcome: 'unknown',
      summary: 'No host allowed: set readiness.probes.allowedHosts',
    };
    expect(await Promise.all(added.map(c => c.run(context)))).toEqual([
      unconfigured,
      unconfigured,
    ]);
  });

  it('reads readiness.probes.allowedHosts from config', async () => {
    const added = await checksWith({
      readiness: { probes: { allowedHosts: ['status.example.test'] } },
    });
    const results = await Promise.all(added.map(c => c.run(context)));
    expect(results.map(r => r.summary)).toEqual([
      'www.example.test is not on readiness.probes.allowedHosts',
      'www.example.test is not on readiness.probes.allowedHosts',
    ]);
  });
});
