import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { ExpiringEvidence } from './ExpiringEvidence';

const item = (name: string, evidenceId: string, expiresAt: string) => ({
  entityRef: `component:default/${name}`,
  owner: 'group:default/payments-team',
  taskId: '3.2',
  evidenceId,
  summary: `${name} restore drill`,
  expiresAt,
});

describe('ExpiringEvidence', () => {
  it('shows a page at a time and follows the cursor forward and back', async () => {
    const getExpiringEvidence = jest
      .fn()
      .mockImplementation(async (_days: number, { cursor }: any) =>
        cursor === 'c1'
          ? { items: [item('zeta', 'e3', '2026-12-20T00:00:00.000Z')] }
          : {
              items: [
                item('alpha', 'e1', '2026-11-30T00:00:00.000Z'),
                item('beta', 'e2', '2026-12-01T00:00:00.000Z'),
              ],
              nextCursor: 'c1',
            },
      );
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [readinessApiRef, { getExpiringEvidence } as Partial<ReadinessApi>],
        ]}
      >
        <ExpiringEvidence days={30} />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const table = await screen.findByRole('table', {
      name: 'Expiring evidence',
    });
    expect(await within(table).findByText('alpha')).toBeInTheDocument();
    expect(
      within(table).getByText('3.2: beta restore drill'),
    ).toBeInTheDocument();
    expect(within(table).getByText('2026-11-30')).toBeInTheDocument();
    expect(getExpiringEvidence).toHaveBeenLastCalledWith(30, {
      limit: 20,
      cursor: undefined,
    });
    expect(
      screen.getByRole('button', {
        name: 'Previous page of expiring evidence',
      }),
    ).toBeDisabled();

    fireEvent.click(
      screen.getByRole('button', { name: 'Next page of expiring evidence' }),
    );
    expect(await within(table).findByText('zeta')).toBeInTheDocument();
    expect(within(table).queryByText('alpha')).not.toBeInTheDocument();
    expect(getExpiringEvidence).toHaveBeenLastCalledWith(30, {
      limit: 20,
      cursor: 'c1',
    });
    expect(
      screen.getByRole('button', { name: 'Next page of expiring evidence' }),
    ).toBeDisabled();
    expect(screen.getByText('1 on this page · page 2')).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Previous page of expiring evidence',
      }),
    );
    expect(await within(table).findByText('alpha')).toBeInTheDocument();
  });

  it('says so when nothing expires', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            readinessApiRef,
            {
              getExpiringEvidence: jest.fn().mockResolvedValue({ items: [] }),
            } as Partial<ReadinessApi>,
          ],
        ]}
      >
        <ExpiringEvidence days={30} />
      </TestApiProvider>,
    );
    expect(await screen.findByText('None · page 1')).toBeInTheDocument();
  });
});
