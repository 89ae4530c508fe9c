import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { ReadinessApi, ReadinessFilters, readinessApiRef } from '../../api';
import { ServicesTable } from './ServicesTable';

const row = (name: string, overall: number) => ({
  entityRef: `component:default/${name}`,
  owner: 'group:default/payments-team',
  overall,
  status: 'not_ready' as const,
  blockers: 1,
  stage: 0,
  computedAt: '2026-11-20T10:00:00.000Z',
});

/** The table under a button that changes the filters, as the org page's filter bar does. */
function WithFilters() {
  const [filters, setFilters] = useState<ReadinessFilters>({});
  return (
    <>
      <button onClick={() => setFilters({ status: 'ready' })}>
        Only ready
      </button>
      <ServicesTable filters={filters} />
    </>
  );
}

describe('ServicesTable', () => {
  it('pages with the cursor, and starts again from the first page when the filters change', async () => {
    const listServices = jest
      .fn()
      .mockImplementation(async ({ cursor, status }: any) => {
        if (status) return { items: [row('ready-one', 95)], total: 1 };
        return cursor
          ? { items: [row('zeta', 10)], total: 2 }
          : { items: [row('alpha', 60)], total: 2, nextCursor: 'c1' };
      });
    await renderInTestApp(
      <TestApiProvider
        apis={[[readinessApiRef, { listServices } as Partial<ReadinessApi>]]}
      >
        <WithFilters />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const table = screen.getByRole('table', { name: 'Services' });
    expect(
      await within(table).findByRole('link', { name: 'alpha' }),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('button', { name: 'Next page of services' }),
    );
    expect(
      await within(table).findByRole('link', { name: 'zeta' }),
    ).toBeInTheDocument();
    expect(screen.getByText('2 services · page 2')).toBeInTheDocument();

    // A cursor belongs to the query that handed it out: new filters start at page 1.
    fireEvent.click(screen.getByRole('button', { name: 'Only ready' }));
    expect(
      await within(table).findByRole('link', { name: 'ready-one' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByText('1 service · page 1')).toBeInTheDocument(),
    );
    expect(listServices).toHaveBeenLastCalledWith(
      expect.objectContaining({ status: 'ready', cursor: undefined }),
    );
    expect(
      screen.getByRole('button', { name: 'Previous page of services' }),
    ).toBeDisabled();
  });
});
