import { startTestBackend, mockServices } from '@backstage/backend-test-utils';
import {
  ReadinessCheck,
  readinessChecksExtensionPoint,
} from '@prodready/plugin-readiness-node';
import readinessModuleGithub from '.';

describe('readinessModuleGithub', () => {
  it('adds the github-ci, github-vulnerabilities and github-branch-protection checks through the extension point', async () => {
    const added: ReadinessCheck[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          readinessChecksExtensionPoint,
          { addCheck: (...c: ReadinessCheck[]) => added.push(...c) },
        ],
      ],
      features: [
        readinessModuleGithub,
        mockServices.rootConfig.factory({ data: {} }),
      ],
    });
    expect(added.map(c => [c.id, c.source, c.trust ?? 'verified'])).toEqual([
      ['github-ci', 'ci', 'verified'],
      ['github-vulnerabilities', 'ci', 'verified'],
      ['github-branch-protection', 'ci', 'verified'],
    ]);
  });
});
