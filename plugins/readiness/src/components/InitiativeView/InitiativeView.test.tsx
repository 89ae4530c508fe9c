import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { alertApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import { ReadinessApi, readinessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { detail, inDays } from '../../__testUtils__/initiativeFixtures';
import { ReadinessPage } from '../ReadinessPage';

/** The page as an app mounts it: at `/readiness` with its sub-paths. */
const render = (api: Partial<ReadinessApi>, alertApi = { post: jest.fn() }) =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [readinessApiRef, api as ReadinessApi],
        [alertApiRef, alertApi],
      ]}
    >
      <Routes>
        <Route path="/readiness/*" element={<ReadinessPage />} />
      </Routes>
    </TestApiProvider>,
    {
      routeEntries: ['/readiness/initiatives/tier1-drills'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/readiness': rootRouteRef,
      },
    },
  );

const rowTexts = (table: HTMLElement) =>
  within(table)
    .getAllByRole('row')
    .map(r => r.textContent);

jest.setTimeout(20_000);

describe('InitiativeView', () => {
  it('shows the goal, dates, burn-up, teams and what each service lacks', async () => {
    const getInitiative = jest.fn().mockResolvedValue(detail());
    await render({ getInitiative });
    const details = await screen.findByRole('list', {
      name: 'Initiative details',
    });
    expect(getInitiative).toHaveBeenCalledWith('tier1-drills');
    expect(
      screen.getByRole('heading', { name: 'Tier-1 restore drills' }),
    ).toBeInTheDocument();
    expect(
      within(details).getByRole('link', { name: 'sre-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/sre-team');
    expect(
      within(details).getByText('tasks 3.2 proven · no open P0'),
    ).toBeInTheDocument();
    expect(within(details).getByText('tiers 1')).toBeInTheDocument();
    expect(
      within(details).getByText(
        `${inDays(-10)} → ${inDays(20)} · 20 days left`,
      ),
    ).toBeInTheDocument();
    expect(within(details).getByLabelText('State: Active')).toBeInTheDocument();
    expect(details).toHaveTextContent('1 of 3 services meet the goal (33 %)');
    expect(
      within(details).getByRole('progressbar', {
        name: 'Services meeting the goal',
      }),
    ).toHaveAttribute('aria-valuenow', '33');
    expect(
      screen.getByText('Every tier-1 service proves a restore drill.'),
    ).toBeInTheDocument();

    expect(
      screen.getByRole('img', {
        name: `Burn-up of Tier-1 restore drills: 1 of 3 services met the goal on ${inDays(
          -9,
        )}, from 0 on ${inDays(-10)}; 3 services covered now; deadline ${inDays(
          20,
        )}`,
      }),
    ).toBeInTheDocument();

    const teams = screen.getByRole('table', { name: 'Teams' });
    expect(rowTexts(teams)).toEqual([
      'TeamServicesMeet the goal%',
      'growth-team100 %',
      'payments-team2150 %',
    ]);
    expect(
      within(teams).getByRole('link', { name: 'payments-team' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments-team');

    const services = screen.getByRole('table', { name: 'Covered services' });
    // Those still lacking first.
    expect(rowTexts(services)).toEqual([
      'ServiceOwnerMeets the goalStill lacking',
      'ledgerpayments-team✗ notask 3.2 not proven; 1 open P0 blocker',
      'signupgrowth-team✗ notask 3.2 not proven',
      'checkoutpayments-team✓ yes',
    ]);
    expect(
      within(services).getByRole('link', { name: 'ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger');

    expect(
      within(screen.getByRole('navigation', { name: 'Breadcrumb' })).getByRole(
        'link',
        { name: 'Production readiness' },
      ),
    ).toHaveAttribute('href', '/readiness');
  });

  it('says why a partial view has no burn-up, and marks services that left the selection', async () => {
    const d = detail({ history: [], historyHidden: true });
    d.services[2] = { ...d.services[2], left: true };
    await render({ getInitiative: jest.fn().mockResolvedValue(d) });
    expect(
      await screen.findByText(
        'The daily history counts services you may not see in the catalog, so it is shown only to those who may see them all.',
      ),
    ).toBeInTheDocument();
    expect(
      rowTexts(screen.getByRole('table', { name: 'Covered services' }))[2],
    ).toBe(
      'signupgrowth-team✗ notask 3.2 not proven (left the selection: still counted)',
    );
  });

  it('exports the initiative as CSV and markdown files', async () => {
    const exportInitiative = jest
      .fn()
      .mockImplementation(async (_id, format) =>
        format === 'csv'
          ? 'initiative,deadline\r\n'
          : '# Tier-1 restore drills',
      );
    const blobs: Blob[] = [];
    const names: string[] = [];
    const createObjectURL = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return `blob:${blobs.length}`;
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        names.push(this.download);
      });
    try {
      await render({
        getInitiative: jest.fn().mockResolvedValue(detail()),
        exportInitiative,
      });
      fireEvent.click(
        await screen.findByRole('button', { name: 'Export CSV' }),
      );
      await waitFor(() => expect(names).toEqual(['tier1-drills.csv']));
      fireEvent.click(screen.getByRole('button', { name: 'Export markdown' }));
      await waitFor(() =>
        expect(names).toEqual(['tier1-drills.csv', 'tier1-drills.md']),
      );
      expect(exportInitiative.mock.calls).toEqual([
        ['tier1-drills', 'csv'],
        ['tier1-drills', 'markdown'],
      ]);
      expect(blobs.map(b => b.type)).toEqual(['text/csv', 'text/markdown']);
      expect(blobs.map(b => b.size)).toEqual([
        'initiative,deadline\r\n'.length,
        '# Tier-1 restore drills'.length,
      ]);
    } finally {
      click.mockRestore();
    }
  });

  it('tells when an export fails', async () => {
    const alertApi = { post: jest.fn() };
    await render(
      {
        getInitiative: jest.fn().mockResolvedValue(detail()),
        exportInitiative: jest.fn().mockRejectedValue(new Error('timed out')),
      },
      alertApi,
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Export CSV' }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message: 'Could not export the initiative: timed out',
        severity: 'error',
      }),
    );
  });

  it('shows an unknown initiative as an error, with the way back', async () => {
    await render({
      getInitiative: jest
        .fn()
        .mockRejectedValue(new Error('No initiative tier1-drills')),
    });
    expect(
      (await screen.findAllByText(/No initiative tier1-drills/)).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('link', { name: 'Production readiness' }),
    ).toHaveAttribute('href', '/readiness');
  });
});
