import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { inDays, summary } from '../../__testUtils__/initiativeFixtures';
import { InitiativeList } from './InitiativeList';

const render = (listInitiatives: jest.Mock) =>
  renderInTestApp(
    <TestApiProvider
      apis={[[readinessApiRef, { listInitiatives } as unknown as ReadinessApi]]}
    >
      <InitiativeList />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/readiness': rootRouteRef,
      },
    },
  );

describe('InitiativeList', () => {
  it('lists open initiatives by deadline, then those met, with their progress', async () => {
    await render(
      jest.fn().mockResolvedValue([
        summary({
          id: 'sentry',
          title: 'Sentry everywhere',
          state: 'met',
          deadline: inDays(1),
          progress: { services: 2, met: 2 },
        }),
        summary(),
        summary({
          id: 'q4-p0',
          title: 'No open P0',
          owner: 'user:default/alice',
          state: 'overdue',
          startsAt: inDays(-40),
          deadline: inDays(-2),
          progress: { services: 0, met: 0 },
        }),
      ]),
    );
    const table = await screen.findByRole('table', { name: 'Initiatives' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(
      rows.map(r => within(r).getAllByRole('link')[0].textContent),
    ).toEqual(['No open P0', 'Tier-1 restore drills', 'Sentry everywhere']);

    expect(
      within(rows[1]).getByRole('link', { name: 'Tier-1 restore drills' }),
    ).toHaveAttribute('href', '/readiness/initiatives/tier1-drills');
    expect(
      within(rows[1]).getByRole('link', { name: 'sre-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/sre-team');
    expect(rows[1]).toHaveTextContent(`${inDays(20)}20 days left`);
    expect(within(rows[1]).getByLabelText('State: Active')).toBeInTheDocument();
    expect(rows[1]).toHaveTextContent('1 of 3 (33 %)');
    expect(
      within(rows[1]).getByRole('progressbar', {
        name: 'Services meeting the goal of Tier-1 restore drills',
      }),
    ).toHaveAttribute('aria-valuenow', '33');

    expect(rows[0]).toHaveTextContent('alice');
    expect(rows[0]).toHaveTextContent('overdue by 2 days');
    expect(
      within(rows[0]).getByLabelText('State: Overdue'),
    ).toBeInTheDocument();
    expect(rows[0]).toHaveTextContent('0 of 0');
    expect(rows[2]).toHaveTextContent('2 of 2 (100 %)');
    expect(within(rows[2]).getByLabelText('State: Met')).toBeInTheDocument();
  });

  it('says so when there are none, and shows a failure', async () => {
    const empty = await render(jest.fn().mockResolvedValue([]));
    expect(await screen.findByText(/No initiatives yet/)).toBeInTheDocument();
    empty.unmount();
    await render(jest.fn().mockRejectedValue(new Error('list failed')));
    expect((await screen.findAllByText(/list failed/)).length).toBeGreaterThan(
      0,
    );
  });
});
