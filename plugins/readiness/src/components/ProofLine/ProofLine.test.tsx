import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { TemplateTask } from '@prodready/plugin-readiness-common';
import { ProofLine } from './ProofLine';

const task = (verification: string): TemplateTask => ({
  id: '5.1',
  title: 'Production build and tests pass in CI',
  dimension: 'capacity',
  points: 15,
  severity: 'p0',
  verification,
  checklist: [],
});

describe('ProofLine', () => {
  it('names the check, its outcome, when it ran, and links the red run', async () => {
    await renderInTestApp(
      <ProofLine
        task={task('github-ci')}
        run={{
          taskId: '5.1',
          checkId: 'github-ci',
          checkTitle: 'Default branch CI green on GitHub Actions',
          outcome: 'failed',
          summary: 'CI #42 on main ended failure',
          url: 'https://github.example.com/acme/pay/actions/runs/42',
          ranAt: new Date(Date.now() - 25 * 60_000).toISOString(),
        }}
      />,
    );
    expect(screen.getByLabelText('Proof of task 5.1')).toHaveTextContent(
      'Checked by Default branch CI green on GitHub Actions · failed 25 min ago: CI #42 on main ended failure',
    );
    expect(
      screen.getByRole('link', { name: /CI #42 on main ended failure/ }),
    ).toHaveAttribute(
      'href',
      'https://github.example.com/acme/pay/actions/runs/42',
    );
  });

  it('says when a check has not run, and who proves a task no check runs', async () => {
    await renderInTestApp(
      <>
        <ProofLine task={task('github-ci')} />
        <ProofLine task={{ ...task('ci-principal'), id: '2.2' }} />
      </>,
    );
    expect(screen.getByLabelText('Proof of task 5.1')).toHaveTextContent(
      'Checked by github-ci · not run yet',
    );
    expect(screen.getByLabelText('Proof of task 2.2')).toHaveTextContent(
      'Proven by a CI principal bound to this task',
    );
  });
});
