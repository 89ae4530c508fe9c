import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { GroupReadinessCard } from './GroupReadinessCard';

const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team' },
  spec: { type: 'team', children: [] },
};

const render = (api: Partial<ReadinessApi>) =>
  renderInTestApp(
    <TestApiProvider apis={[[readinessApiRef, api as ReadinessApi]]}>
      <EntityProvider entity={team}>
        <GroupReadinessCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('GroupReadinessCard', () => {
  it("lists the team's services, lowest score first", async () => {
    const listServices = jest.fn().mockResolvedValue({
      total: 1,
      items: [
        {
          entityRef: 'component:default/ledger',
          overall: 59,
          status: 'not_ready',
          blockers: 1,
          dimensions: {},
          computedAt: '',
        },
      ],
    });
    await render({ listServices, getRollup: jest.fn().mockResolvedValue([]) });
    const table = await screen.findByRole('table', {
      name: 'Team services readiness',
    });
    expect(within(table).getByRole('link', { name: 'ledger' })).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger',
    );
    expect(within(table).getByText('Not ready')).toBeInTheDocument();
    expect(listServices).toHaveBeenCalledWith({
      owner: 'group:default/payments-team',
      sort: 'overall',
      order: 'asc',
      limit: 100,
    });
  });

  it('shows the sub-teams beneath the group, each over everything beneath it', async () => {
    const getRollup = jest.fn().mockResolvedValue([
      {
        key: 'group:default/checkout-team',
        services: 4,
        average: 71.5,
        min: 40,
        max: 95,
        statusCounts: { ready: 1, at_risk: 1, not_ready: 2 },
        blockers: 3,
        distribution: [],
        stageCounts: [2, 2],
      },
    ]);
    await render({
      listServices: jest.fn().mockResolvedValue({ total: 0, items: [] }),
      getRollup,
    });
    const table = await screen.findByRole('table', {
      name: 'Sub-teams readiness',
    });
    expect(
      within(table).getByRole('link', { name: 'checkout-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/checkout-team');
    expect(within(table).getByText('71.5')).toBeInTheDocument();
    expect(getRollup).toHaveBeenCalledWith(
      'group',
      {},
      'group:default/payments-team',
    );
  });

  it('says when the team owns nothing registered', async () => {
    await render({
      listServices: jest.fn().mockResolvedValue({ total: 0, items: [] }),
      getRollup: jest.fn().mockResolvedValue([]),
    });
    expect(
      await screen.findByText(
        'This team owns no services registered for readiness.',
      ),
    ).toBeInTheDocument();
  });

  it('shows errors', async () => {
    await render({
      listServices: jest.fn().mockRejectedValue(new Error('nope')),
      getRollup: jest.fn().mockResolvedValue([]),
    });
    expect((await screen.findAllByText(/nope/)).length).toBeGreaterThan(0);
  });
});
