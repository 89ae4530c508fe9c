import { renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { RollupGroup } from '@prodready/plugin-readiness-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { RollupTable } from './RollupTable';

const group = (key: string, average: number, notReady: number) =>
  ({
    key,
    services: 4,
    average,
    min: 0,
    max: 100,
    statusCounts: { ready: 4 - notReady, at_risk: 0, not_ready: notReady },
    blockers: notReady,
    distribution: [],
    stageCounts: [notReady, 4 - notReady],
    blockedByDependencies: 0,
  } as RollupGroup);

const groups = [
  group('group:default/payments-team', 80, 1),
  group('group:default/growth-team', 40, 3),
  group('unowned', 60, 2),
];

const firstCells = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .slice(1)
    .map(r => within(r).getAllByRole('cell')[0].textContent);

describe('RollupTable', () => {
  it('links groups to the catalog, keeps the server order and sorts by a column', async () => {
    const onDrill = jest.fn();
    await renderInTestApp(
      <RollupTable groups={groups} groupBy="group" onDrill={onDrill} />,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const table = screen.getByRole('table', { name: 'Scores by group' });
    expect(
      within(table).getByRole('link', { name: 'growth-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/growth-team');
    expect(firstCells(table)).toEqual([
      'payments-team',
      'growth-team',
      'unowned',
    ]);

    fireEvent.click(within(table).getByRole('button', { name: 'Average' }));
    expect(firstCells(table)).toEqual([
      'growth-team',
      'unowned',
      'payments-team',
    ]);

    fireEvent.click(
      within(table).getByRole('button', {
        name: 'Sub-teams of group:default/growth-team',
      }),
    );
    expect(onDrill).toHaveBeenCalledWith('group:default/growth-team');
  });
});
