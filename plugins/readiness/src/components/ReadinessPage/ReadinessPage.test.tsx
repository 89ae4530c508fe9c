import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { ReadinessApi, readinessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { detail, summary } from '../../__testUtils__/initiativeFixtures';
import { ReadinessPage } from './ReadinessPage';

const group = (
  key: string,
  ready: number,
  atRisk: number,
  notReady: number,
) => ({
  key,
  services: ready + atRisk + notReady,
  average: 70,
  min: 10,
  max: 100,
  statusCounts: { ready, at_risk: atRisk, not_ready: notReady },
  blockers: notReady,
  distribution: [0, 0, 0, 0, 0, notReady, 0, atRisk, 0, ready],
  stageCounts: [notReady, atRisk + ready],
  blockedByDependencies: atRisk,
});

const service = (name: string, overall: number) => ({
  entityRef: `component:default/${name}`,
  owner: 'group:default/payments-team',
  overall,
  status: overall >= 90 ? ('ready' as const) : ('not_ready' as const),
  blockers: overall >= 90 ? 0 : 1,
  stage: overall >= 90 ? 5 : 1,
  dimensions: {},
  computedAt: '2026-11-25T00:00:00.000Z',
});

function mockApi(overrides: Partial<ReadinessApi> = {}) {
  return {
    getRollup: jest
      .fn()
      .mockResolvedValue([
        group('group:default/payments-team', 2, 1, 1),
        group('group:default/growth-team', 0, 0, 3),
      ]),
    getTrend: jest
      .fn()
      .mockResolvedValue([
        { day: '2026-11-24', average: 50, services: 7, ready: 1 },
      ]),
    listBlockers: jest.fn().mockResolvedValue({
      items: [
        {
          entityRef: 'component:default/checkout',
          taskId: '5.1',
          title: 'Production build passes',
          kind: 'open',
        },
        {
          entityRef: 'component:default/cart',
          taskId: '5.1',
          title: 'Production build passes',
          kind: 'attested',
        },
      ],
      total: 2,
    }),
    getExpiringEvidence: jest.fn().mockResolvedValue({
      items: [
        {
          entityRef: 'component:default/ledger',
          taskId: '3.2',
          evidenceId: 'e1',
          summary: 'restore drill',
          expiresAt: '2026-12-01T00:00:00Z',
        },
      ],
    }),
    listServices: jest
      .fn()
      .mockImplementation(async ({ cursor }: any) =>
        cursor
          ? { items: [service('zeta', 10)], total: 2 }
          : { items: [service('alpha', 95)], total: 2, nextCursor: 'c1' },
      ),
    exportOrg: jest.fn().mockResolvedValue('# report'),
    listReviews: jest.fn().mockResolvedValue([]),
    listInitiatives: jest.fn().mockResolvedValue([summary()]),
    getInitiative: jest.fn().mockResolvedValue(detail()),
    reviewEvidence: jest.fn().mockResolvedValue({}),
    ...overrides,
  } as unknown as ReadinessApi;
}

/** The page as an app mounts it: at `/readiness`, with its sub-paths. */
const render = (api: ReadinessApi, path = '/readiness') =>
  renderInTestApp(
    <TestApiProvider apis={[[readinessApiRef, api]]}>
      <Routes>
        <Route path="/readiness/*" element={<ReadinessPage />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/readiness': rootRouteRef,
      },
    },
  );

// The page renders several tables and charts: under a loaded CI machine 20 s is too tight.
jest.setTimeout(60_000);

/** The filter bar: role queries inside it stay cheap on a page this large. */
const filters = () => within(screen.getByRole('search'));

describe('ReadinessPage', () => {
  it('shows status counts, rollups, blockers, expiring evidence and a chart', async () => {
    await render(mockApi());
    expect(await screen.findByLabelText('Ready services')).toHaveTextContent(
      '2',
    );
    expect(screen.getByLabelText('Not ready services')).toHaveTextContent('4');
    const rollup = screen.getByRole('table', { name: 'Scores by owner' });
    expect(
      within(rollup).getByRole('link', { name: 'growth-team' }),
    ).toBeInTheDocument();
    expect(
      within(rollup)
        .getAllByTitle('Services that depend on a Not ready service')
        .map(c => c.textContent),
    ).toEqual(['1', '0']);
    const blockers = screen.getByRole('table', { name: 'Open P0 blockers' });
    expect(
      await within(blockers).findByText('5.1 Production build passes'),
    ).toBeInTheDocument();
    expect(screen.getByText('Open P0 blockers (2)')).toBeInTheDocument();
    expect(
      within(blockers).getByText(
        '5.1 Production build passes (done on a claim: needs verified or reviewed proof)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Nothing is waiting for your review.'),
    ).toBeInTheDocument();
    expect(
      await within(
        screen.getByRole('table', { name: 'Expiring evidence' }),
      ).findByText('3.2: restore drill'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Score distribution' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Average score trend' }),
    ).toBeInTheDocument();
  });

  it('lists the initiatives, opens one at its sub-path and comes back', async () => {
    const api = mockApi();
    await render(api);
    const initiatives = await screen.findByRole('table', {
      name: 'Initiatives',
    });
    const link = within(initiatives).getByRole('link', {
      name: 'Tier-1 restore drills',
    });
    expect(link).toHaveAttribute('href', '/readiness/initiatives/tier1-drills');
    expect(initiatives).toHaveTextContent('1 of 3 (33 %)');
    fireEvent.click(link);
    expect(
      await screen.findByRole('table', { name: 'Covered services' }),
    ).toBeInTheDocument();
    expect(api.getInitiative).toHaveBeenCalledWith('tier1-drills');
    expect(screen.queryByRole('table', { name: 'Initiatives' })).toBeNull();
    fireEvent.click(screen.getByRole('link', { name: 'Production readiness' }));
    expect(
      await screen.findByRole('table', { name: 'Initiatives' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Covered services' }),
    ).toBeNull();
  });

  it('opens an initiative straight from its link (as the notifications send it)', async () => {
    const api = mockApi();
    await render(api, '/readiness/initiatives/tier1-drills');
    expect(
      await screen.findByRole('table', { name: 'Teams' }),
    ).toBeInTheDocument();
    expect(api.getInitiative).toHaveBeenCalledWith('tier1-drills');
    expect(api.getRollup).not.toHaveBeenCalled();
  });

  it('shows the review queue, whose decisions go through the API', async () => {
    const pending = {
      entityRef: 'component:default/ledger',
      taskId: '3.2',
      taskTitle: 'Restore drill',
      severity: 'p1' as const,
      evidence: {
        id: 'ev9',
        kind: 'document' as const,
        url: 'https://docs.example.com/drill',
        summary: 'drill report',
        source: 'manual' as const,
        trust: 'claimed' as const,
        review: { state: 'pending' as const },
        recordedAt: '2026-11-20T00:00:00.000Z',
        recordedBy: 'user:default/alice',
      },
    };
    const api = mockApi({
      listReviews: jest
        .fn()
        .mockResolvedValueOnce([pending])
        .mockResolvedValue([]),
    });
    await render(api);
    const queue = await screen.findByRole('table', { name: 'Review queue' });
    expect(screen.getByText('Review queue (1)')).toBeInTheDocument();
    expect(
      within(queue).getByRole('link', { name: /^ledger$/ }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger');
    fireEvent.click(
      within(queue).getByRole('button', { name: /^Approve evidence/ }),
    );
    await waitFor(() =>
      expect(api.reviewEvidence).toHaveBeenCalledWith(
        { kind: 'component', namespace: 'default', name: 'ledger' },
        '3.2',
        'ev9',
        { decision: 'approve' },
      ),
    );
    expect(
      await screen.findByText('Nothing is waiting for your review.'),
    ).toBeInTheDocument();
  });

  it('drills down the org chart from the root, with a breadcrumb back', async () => {
    const api = mockApi({
      getRollup: jest
        .fn()
        .mockImplementation(async (_groupBy, _filters, parent) =>
          parent
            ? [
                group('group:default/team-a', 1, 0, 1),
                group('group:default/team-b', 0, 1, 0),
              ]
            : [group('group:default/left', 1, 1, 1)],
        ),
    });
    await render(api);
    await screen.findByRole('table', { name: 'Services' });
    fireEvent.mouseDown(filters().getByRole('button', { name: /Owner group/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'Org chart' }));
    fireEvent.click(
      await within(
        await screen.findByRole('table', { name: 'Scores by group' }),
      ).findByRole('button', {
        name: 'Sub-teams of group:default/left',
      }),
    );
    await waitFor(() =>
      expect(api.getRollup).toHaveBeenLastCalledWith(
        'group',
        {},
        'group:default/left',
      ),
    );
    expect(
      await within(
        screen.getByRole('table', { name: 'Scores by group' }),
      ).findByRole('button', {
        name: 'Sub-teams of group:default/team-a',
      }),
    ).toBeInTheDocument();
    const crumbs = screen.getByRole('navigation', { name: 'Org chart path' });
    expect(crumbs).toHaveTextContent('All groups/left');
    fireEvent.click(within(crumbs).getByRole('button', { name: 'All groups' }));
    await waitFor(() =>
      expect(api.getRollup).toHaveBeenLastCalledWith('group', {}),
    );
  });

  it('regroups and filters through the API, and pages with the cursor', async () => {
    const api = mockApi();
    await render(api);
    await screen.findByRole('table', { name: 'Services' });
    fireEvent.mouseDown(filters().getByRole('button', { name: /Owner group/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'System' }));
    await waitFor(() =>
      expect(api.getRollup).toHaveBeenLastCalledWith('system', {}),
    );

    fireEvent.mouseDown(filters().getByRole('button', { name: /^Status/ }));
    fireEvent.click(await screen.findByRole('option', { name: 'Not ready' }));
    await waitFor(() =>
      expect(api.listBlockers).toHaveBeenLastCalledWith(
        { status: 'not_ready' },
        { limit: 20, cursor: undefined },
      ),
    );

    const services = screen.getByRole('table', { name: 'Services' });
    expect(
      await within(services).findByRole('link', { name: 'alpha' }),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Next page of services' }),
    );
    expect(
      await within(screen.getByRole('table', { name: 'Services' })).findByRole(
        'link',
        {
          name: 'zeta',
        },
      ),
    ).toBeInTheDocument();
    expect(api.listServices).toHaveBeenLastCalledWith(
      expect.objectContaining({ cursor: 'c1', sort: 'overall', order: 'asc' }),
    );
  });

  it('shows an empty state and errors', async () => {
    await render(mockApi({ getRollup: jest.fn().mockResolvedValue([]) }));
    expect(
      await screen.findByText('No scored services match'),
    ).toBeInTheDocument();
  });

  it('shows backend errors', async () => {
    await render(
      mockApi({
        getRollup: jest.fn().mockRejectedValue(new Error('rollup failed')),
      }),
    );
    expect(
      (await screen.findAllByText(/rollup failed/)).length,
    ).toBeGreaterThan(0);
  });
});
