import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SWRConfig } from 'swr';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  ReadinessApi,
  ReadinessConflictError,
  readinessApiRef,
} from '../../api';
import { done, response } from '../../__testUtils__/readinessFixtures';
import { EntityReadinessContent } from './EntityReadinessContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations: { 'sentry.io/project-slug': 'payments' },
  },
  spec: { type: 'service', owner: 'team-a' },
};

function setup(
  api: Partial<ReadinessApi>,
  allow: (name: string) => boolean = () => true,
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
            ]}
          >
            <EntityProvider entity={entity}>
              <EntityReadinessContent />
            </EntityProvider>
          </TestApiProvider>
        </SWRConfig>,
      ),
  };
}

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
      within(task).getByText(/0\/10 pts · open · \+8.3 overall with evidence/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('listitem', { name: 'Task 1.1' }),
    ).toHaveTextContent('link (ci): ok');

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
  });

  it('shows a pending request to approvers, who approve it as requested', async () => {
    const pending = {
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
    const grantExemption = jest.fn().mockResolvedValue({});
    const approver = setup({
      grantExemption,
      getEntityReadiness: jest
        .fn()
        .mockResolvedValue(response([done('1.1'), pending])),
    });
    await approver.render();
    expect(
      await screen.findByText(
        /Exemption requested by user:default\/alice until 2027-01-01: legacy pipeline/,
      ),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', {
        name: 'Approve requested exemption for task 1.2',
      }),
    );
    await waitFor(() =>
      expect(grantExemption).toHaveBeenCalledWith(expect.anything(), '1.2', {
        expectedVersion: 1,
        reason: 'legacy pipeline',
        expiresAt: '2027-01-01T00:00:00.000Z',
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
      screen.queryByRole('button', { name: /Grant exemption/ }),
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
