import { ConfigReader } from '@backstage/config';
import { Evidence, TaskState } from '@prodready/plugin-readiness-common';
import { builtinChecks } from './builtinChecks';
import { component, backupPolicies } from '../__testUtils__/fixtures';
import { defaultTemplate } from '../templates/defaultTemplate';

const config = new ConfigReader({
  readiness: {
    backupPolicies,
  },
});
const now = new Date('2026-11-27T00:00:00Z');
const drill = (overrides: Partial<Evidence>): Evidence => ({
  id: 'e',
  kind: 'link',
  url: 'https://ci.example.com/drill/1',
  summary: 'restore drill',
  source: 'ci',
  recordedAt: '2026-11-20T00:00:00Z',
  recordedBy: 'service:ci-backups',
  trust: 'verified',
  ...overrides,
});

describe('restore-drill-recent', () => {
  const check = builtinChecks(config).find(
    c => c.id === 'restore-drill-recent',
  )!;
  const entity = component('payments', 'payments-team', 'pay');
  entity.metadata.annotations!['readiness/backup-policy'] = 'daily-35d';
  const task = defaultTemplate.phases
    .flatMap(p => p.tasks)
    .find(t => t.id === '3.2')!;
  const run = (evidence: Evidence[]) => {
    const state: TaskState = {
      taskId: '3.2',
      status: 'todo',
      checklist: {},
      evidence,
      version: 1,
    };
    return check.run({
      entity,
      entityRef: 'component:default/payments',
      runbooks: [],
      task,
      state,
      config,
      now,
    });
  };

  it('counts a drill a bound CI principal reported or a second person reviewed', async () => {
    expect(await run([drill({})])).toMatchObject({ outcome: 'passed' });
    expect(
      await run([drill({ trust: 'reviewed', recordedBy: 'user:default/a' })]),
    ).toMatchObject({ outcome: 'passed' });
  });

  it("does not count a team's own word, even from CI as a bare attestation", async () => {
    for (const claim of [
      drill({
        trust: 'claimed',
        recordedBy: 'user:default/a',
        source: 'manual',
      }),
      drill({ kind: 'attestation', url: undefined }),
    ]) {
      expect(await run([claim])).toMatchObject({ outcome: 'failed' });
    }
  });
});

describe('backup policy lookups', () => {
  // A team's annotation names a configured policy or none: never a path into the config.
  it.each(['daily-35d.title', 'constructor', '30 d', 'a..b'])(
    'an annotation %j that is not a configured id fails each backup check plainly',
    async id => {
      const entity = component('payments', 'payments-team', 'pay');
      entity.metadata.annotations!['readiness/backup-policy'] = id;
      const template = defaultTemplate;
      for (const check of builtinChecks(config).filter(
        c => c.source === 'backup',
      )) {
        const result = await check.run({
          entity,
          entityRef: 'component:default/payments',
          runbooks: [],
          task: template.phases.flatMap(p => p.tasks)[0],
          state: undefined,
          tasks: [],
          template,
          config,
          now,
        } as unknown as Parameters<typeof check.run>[0]);
        expect(result).toMatchObject({ outcome: 'failed' });
      }
    },
  );
});
