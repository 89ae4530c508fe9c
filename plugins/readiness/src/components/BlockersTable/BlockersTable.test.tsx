import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { BlockersTable } from './BlockersTable';

const blocker = (name: string, taskId: string, kind = 'open') => ({
  entityRef: `component:default/${name}`,
  owner: 'group:default/payments-team',
  taskId,
  title: 'Production build passes',
  kind,
});

describe('BlockersTable', () => {
  it('titles the card with the count of all blockers and pages through them', async () => {
    const listBlockers = jest
      .fn()
      .mockImplementation(async (_filters: any, { cursor }: any) =>
        cursor === 'c1'
          ? { items: [blocker('zeta', '5.1', 'attested')], total: 3 }
          : {
              items: [blocker('alpha', '5.1'), blocker('alpha', '5.2')],
              total: 3,
              nextCursor: 'c1',
            },
      );
    await renderInTestApp(
      <TestApiProvider
        apis={[[readinessApiRef, { listBlockers } as Partial<ReadinessApi>]]}
      >
        <BlockersTable filters={{ owner: 'group:default/payments-team' }} />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('Open P0 blockers (3)')).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Open P0 blockers' });
    expect(within(table).getAllByRole('link', { name: 'alpha' })).toHaveLength(
      2,
    );
    expect(listBlockers).toHaveBeenLastCalledWith(
      { owner: 'group:default/payments-team' },
      { limit: 20, cursor: undefined },
    );

    fireEvent.click(
      screen.getByRole('button', { name: 'Next page of blockers' }),
    );
    expect(
      await within(table).findByText(
        '5.1 Production build passes (done on a claim: needs verified or reviewed proof)',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('3 blockers · page 2')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Next page of blockers' }),
    ).toBeDisabled();
  });
});
