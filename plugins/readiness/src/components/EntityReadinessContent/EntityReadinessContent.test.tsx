import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { identityApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SWRConfig } from 'swr';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  ReadinessApi,
  ReadinessConflictError,
  readinessApiRef,
} from '../../api';
import { rootRouteRef } from '../../routes';
import { claimed, done, response } from '../../__testUtils__/readinessFixtures';
import { EntityReadinessContent } from './EntityReadinessContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'sentry.io/project-slug': 'payments' },
  },
  spec: { type: 'service', owner: 'team-a' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
};

function setup(
  api: Partial<ReadinessApi>,
  allow: (name: string) => boolean = () => true,
  ownership: string[] = ['user:default/carol', 'group:default/sre-team'],
) {
  const full = {
    getEntityReadiness: jest.fn().mockResolvedValue(response([done('1.1')])),
    getHistory: jest.fn().mockResolvedValue([
      {
        overall: 40,
        status: 'not_ready',
        blockers: 1,
        reason: 'registered',
        recordedAt: '2026-11-01T00:00:00Z',
      },
    ]),
    updateTask: jest.fn(),
    addEvidence: jest.fn(),
    getEntityInitiatives: jest.fn().mockResolvedValue([]),
    ...api,
  } as unknown as ReadinessApi;
  const permissions = mockApis.permission({
    authorize: req =>
      allow(req.permission.name) ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
  });
  return {
    api: full,
    render: () =>
      renderInTestApp(
        // usePermission caches decisions in SWR; a fresh cache per test keeps them apart.
        <SWRConfig value={{ provider: () => new Map() }}>
          <TestApiProvider
            apis={[
              [readinessApiRef, full],
              [permissionApiRef, permissions],
              [
                identityApiRef,
                mockApis.identity({
                  userEntityRef: ownership[0],
                  ownershipEntityRefs: ownership,
                }),
              ],
            ]}
          >
            <EntityProvider entity={entity}>
              <EntityReadinessContent />
            </EntityProvider>
          </TestApiProvider>
        </SWRConfig>,
        { mountedRoutes: { '/readiness': rootRouteRef } },
      ),
  };
}

/** Task 1.2 with alice's pending exemption request. */
const requested = {
  ...done('1.2'),
  status: 'todo' as const,
  evidence: [],
  exemptionRequest: {
    reason: 'legacy pipeline',
    expiresAt: '2027-01-01T00:00:00.000Z',
    requestedBy: 'user:default/alice',
    requestedAt: '2026-11-01T00:00:00.000Z',
  },
};

const openSelect = (label: string) => {
  fireEvent.mouseDown(screen.getByRole('button', { name: new RegExp(label) }));
};

describe('EntityReadinessContent', () => {
  it('shows phases and tasks and lets the owner change a status, then reloads', async () => {
    const { api, render } = setup({
      updateTask: jest
        .fn()
        .mockResolvedValue({ task: { ...done('1.2') }, score: {} }),
    });
    await render();
    expect(
      await screen.findByText('Phase 1: Monitoring & visibility'),
    ).toBeInTheDocument();
    const task = screen.getByRole('listitem', { name: 'Task 1.2' });
    expect(
      within(task).getByText(/0\/10 pts · open · \+8.3 overall once proven/),
    ).toBeInTheDocument();
    const proof = within(
      screen.getByRole('listitem', { name: 'Task 1.1' }),
    ).getByRole('listitem', { name: 'Evidence: ok' });
    expect(proof).toHaveTextContent('link (ci): ok');
    expect(within(proof).getByText('Verified')).toBeInTheDocument();
    expect(proof).toHaveTextContent(
      'recorded 0 days ago by service:external:ci-payments',
    );

    openSelect('Status of task 1.2');
    fireEvent.click(await screen.findByRole('option', { name: 'in progress' }));
    await waitFor(() =>
      expect(api.updateTask).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'payments' },
        '1.2',
        { expectedVersion: 0, status: 'in_progress' },
      ),
    );
    await waitFor(() =>
      expect(api.getEntityReadiness).toHaveBeenCalledTimes(2),
    );
  });

  it('lists the initiatives the service is in beside its score', async () => {
    const { api, render } = setup({
      getEntityInitiatives: jest.fn().mockResolvedValue([
        {
          id: 'q1-hardening',
          title: 'Q1 hardening',
          deadline: '2999-03-31',
          state: 'active',
          met: false,
          lacking: ['score 40 below 80', '1 open P0 blocker'],
        },
      ]),
    });
    await render();
    const list = await screen.findByRole('list', { name: 'Initiatives' });
    expect(
      within(list).getByRole('link', { name: 'Q1 hardening' }),
    ).toHaveAttribute('href', '/readiness/initiatives/q1-hardening');
    expect(list).toHaveTextContent(
      'Still lacks: score 40 below 80; 1 open P0 blocker',
    );
    expect(list).toHaveTextContent(/Deadline 2999-03-31 \(\d+ days left\)/);
    expect(api.getEntityInitiatives).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it('shows a conflict with the newer state instead of losing it silently', async () => {
    const newer = {
      ...done('1.2'),
      status: 'blocked' as const,
      version: 3,
      updatedBy: 'user:default/bob',
    };
    const { render } = setup({
      updateTask: jest
        .fn()
        .mockRejectedValue(new ReadinessConflictError('stale', newer)),
    });
    await render();
    openSelect(
      (await screen.findByText('Phase 1: Monitoring & visibility')) &&
        'Status of task 1.2',
    );
    fireEvent.click(await screen.findByRole('option', { name: 'done' }));
    expect(
      await screen.findByText(
        /Task 1.2 was changed by someone else; your change was not saved/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /It is now "blocked" \(version 3, by user:default\/bob\)/,
      ),
    ).toBeInTheDocument();
  });

  it('adds evidence through the dialog', async () => {
    const { api, render } = setup({
      addEvidence: jest.fn().mockResolvedValue({}),
    });
    await render();
    fireEvent.click(
      await screen.findByRole('button', { name: 'Add evidence to task 1.2' }),
    );
    fireEvent.change(screen.getByLabelText('URL'), {
      target: { value: 'https://ci.example.com/9' },
    });
    fireEvent.change(screen.getByLabelText('Summary'), {
      target: { value: 'build green' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save evidence' }));
    await waitFor(() =>
      expect(api.addEvidence).toHaveBeenCalledWith(expect.anything(), '1.2', {
        kind: 'link',
        url: 'https://ci.example.com/9',
        summary: 'build green',
      }),
    );
  });

  it('lets an owner request an exemption and an approver approve it', async () => {
    const requestExemption = jest.fn().mockResolvedValue({});
    const owner = setup(
      { requestExemption },
      name => name !== 'readiness.exemption.approve',
    );
    await owner.render();
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Request exemption for task 1.2',
      }),
    );
    fireEvent.change(screen.getByLabelText('Reason (accepted risk)'), {
      target: { value: 'legacy pipeline' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Request' }));
    await waitFor(() =>
      expect(requestExemption).toHaveBeenCalledWith(
        expect.anything(),
        '1.2',
        expect.objectContaining({
          expectedVersion: 0,
          reason: 'legacy pipeline',
        }),
      ),
    );
    expect(requestExemption.mock.calls[0][2]).not.toHaveProperty(
      'notApplicable',
    );
  });

  it('does not offer approval to an approver from the owning group', async () => {
    const teammate = setup(
      {
        getEntityReadiness: jest
          .fn()
          .mockResolvedValue(response([done('1.1'), requested])),
      },
      () => true,
      ['user:default/dave', 'group:default/team-a', 'group:default/sre-team'],
    );
    await teammate.render();
    expect(
      await screen.findByText(/Exemption requested by alice until 2027-01-01/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Approve requested exemption for task 1.2',
      }),
    ).not.toBeInTheDocument();
  });

  it('shows a pending request to approvers, who approve it with a comment', async () => {
    const grantExemption = jest.fn().mockResolvedValue({});
    const approver = setup({
      grantExemption,
      getEntityReadiness: jest
        .fn()
        .mockResolvedValue(response([done('1.1'), requested])),
    });
    await approver.render();
    expect(
      await screen.findByText(
        /Exemption requested by alice until 2027-01-01: legacy pipeline \(waiting for an approver\)/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Approve requested exemption for task 1.2',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve exemption for task 1.2',
    });
    expect(
      within(dialog).getByText('Requested by alice: legacy pipeline'),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Expires on')).toHaveValue(
      '2027-01-01',
    );
    const approve = within(dialog).getByRole('button', { name: 'Approve' });
    expect(approve).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText("Approver's comment"), {
      target: { value: 'ok until the migration' },
    });
    fireEvent.click(approve);
    await waitFor(() =>
      expect(grantExemption).toHaveBeenCalledWith(expect.anything(), '1.2', {
        expectedVersion: 1,
        reason: 'ok until the migration',
        expiresAt: '2027-01-01T00:00:00.000Z',
      }),
    );
  });

  it('shows the provenance of every piece of evidence and who recorded it', async () => {
    const reviewed = claimed(
      '1.1',
      {
        state: 'approved',
        reviewedBy: 'user:default/bob',
        reviewedAt: new Date().toISOString(),
      },
      'reviewed',
    );
    const rejected = claimed('2.1', {
      state: 'rejected',
      reviewedBy: 'user:default/carol',
      comment: 'Link is a 404',
    });
    rejected.evidence.push({
      ...rejected.evidence[0],
      id: 'attest',
      kind: 'attestation',
      url: undefined,
      summary: 'We checked it',
      review: undefined,
    });
    const { render } = setup({
      getEntityReadiness: jest
        .fn()
        .mockResolvedValue(response([reviewed, claimed('1.2'), rejected])),
    });
    await render();
    const evidence = async (taskId: string, summary: string) =>
      within(
        await screen.findByRole('list', { name: `Evidence of task ${taskId}` }),
      ).getByRole('listitem', { name: `Evidence: ${summary}` });

    const approved = await evidence('1.1', 'Dashboard');
    expect(within(approved).getByText('Reviewed by bob')).toBeInTheDocument();
    expect(approved).toHaveTextContent('recorded 0 days ago by alice');
    expect(
      within(screen.getByRole('listitem', { name: 'Task 1.1' })).getByText(
        /50\/50 pts · proven/,
      ),
    ).toBeInTheDocument();

    const pending = await evidence('1.2', 'Dashboard');
    expect(
      within(pending).getByText('Claimed · awaiting review'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('listitem', { name: 'Task 1.2' })).getByText(
        /5\/10 pts · claimed, not verified or reviewed \(half points\)/,
      ),
    ).toBeInTheDocument();

    const refused = await evidence('2.1', 'Dashboard');
    expect(within(refused).getByText('Claimed · rejected')).toBeInTheDocument();
    expect(
      within(refused).getByText('Rejected by carol: Link is a 404'),
    ).toBeInTheDocument();
    const attestation = await evidence('2.1', 'We checked it');
    expect(within(attestation).getByText('Claimed')).toBeInTheDocument();
    expect(attestation).toHaveTextContent(
      'attestation (manual): We checked it',
    );
  });

  it('offers "not applicable" only as a request, never on a P0 and never as a status', async () => {
    const requestExemption = jest.fn().mockResolvedValue({});
    const owner = setup(
      { requestExemption },
      name => name !== 'readiness.exemption.approve',
    );
    await owner.render();
    expect(
      await screen.findByRole('button', {
        name: 'Request exemption for task 1.2',
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', {
        name: 'Request not applicable for task 1.2',
      }),
    ).not.toBeInTheDocument();

    openSelect('Status of task 2.1');
    const options = (await screen.findAllByRole('option')).map(
      o => o.textContent,
    );
    expect(options).toEqual(['todo', 'in progress', 'done', 'blocked']);
    fireEvent.keyDown(screen.getByRole('listbox'), { key: 'Escape' });
    await waitFor(() =>
      expect(screen.queryByRole('listbox')).not.toBeInTheDocument(),
    );

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Request not applicable for task 2.1',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Request not applicable for task 2.1',
    });
    fireEvent.change(
      within(dialog).getByLabelText('Why the task does not apply'),
      { target: { value: 'no user input reaches this service' } },
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Request' }));
    await waitFor(() =>
      expect(requestExemption).toHaveBeenCalledWith(
        { kind: 'Component', namespace: 'default', name: 'payments' },
        '2.1',
        {
          expectedVersion: 0,
          reason: 'no user input reaches this service',
          expiresAt: expect.stringMatching(/T23:59:59\.000Z$/),
          notApplicable: true,
        },
      ),
    );
    expect(owner.api.updateTask).not.toHaveBeenCalled();
  });

  it('shows a granted "not applicable" with its approver, and a pending one to approvers', async () => {
    const na = {
      taskId: '2.1',
      status: 'todo' as const,
      checklist: {},
      evidence: [],
      version: 4,
      exemption: {
        notApplicable: true,
        reason: 'no user input reaches this service',
        approvedBy: 'user:default/bob',
        requestedBy: 'user:default/alice',
        createdAt: '2026-11-01T00:00:00.000Z',
        expiresAt: '2099-01-01T00:00:00.000Z',
      },
    };
    const pending = {
      taskId: '1.1',
      status: 'todo' as const,
      checklist: {},
      evidence: [],
      version: 2,
      exemptionRequest: {
        notApplicable: true,
        reason: 'alerts live in the platform team',
        requestedBy: 'user:default/alice',
        requestedAt: '2026-11-01T00:00:00.000Z',
        expiresAt: '2027-06-30T00:00:00.000Z',
      },
    };
    const grantExemption = jest.fn().mockResolvedValue({});
    const { render } = setup({
      grantExemption,
      getEntityReadiness: jest.fn().mockResolvedValue(response([na, pending])),
    });
    await render();
    const task = await screen.findByRole('listitem', { name: 'Task 2.1' });
    expect(
      within(task).getByText(
        'Not applicable (approved by bob) until 2099-01-01: no user input reaches this service · requested by alice',
      ),
    ).toBeInTheDocument();
    expect(
      within(task).getByText(/0\/40 pts · not applicable/),
    ).toBeInTheDocument();
    expect(
      within(task).queryByRole('button', { name: /Request/ }),
    ).not.toBeInTheDocument();

    expect(
      screen.getByText(
        'Not applicable requested by alice until 2027-06-30: alerts live in the platform team (waiting for an approver)',
      ),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Approve requested exemption for task 1.1',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Approve not applicable for task 1.1',
    });
    fireEvent.change(within(dialog).getByLabelText("Approver's comment"), {
      target: { value: 'agreed' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(grantExemption).toHaveBeenCalledWith(expect.anything(), '1.1', {
        expectedVersion: 2,
        reason: 'agreed',
        expiresAt: '2027-06-30T00:00:00.000Z',
      }),
    );
  });

  it('is read-only without the update permission and hides exemptions without approval', async () => {
    const { render } = setup({}, () => false);
    await render();
    await screen.findByText('Phase 1: Monitoring & visibility');
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /Status of task 1.2/ }),
      ).toHaveClass('Mui-disabled'),
    );
    expect(
      screen.queryByRole('button', { name: /Add evidence/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /exemption|not applicable/i }),
    ).not.toBeInTheDocument();
  });

  it('shows load errors', async () => {
    const { render } = setup({
      getEntityReadiness: jest
        .fn()
        .mockRejectedValue(new Error('backend down')),
    });
    await render();
    expect((await screen.findAllByText(/backend down/)).length).toBeGreaterThan(
      0,
    );
  });
});
