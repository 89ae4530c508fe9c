import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../api';
import { detail } from '../__testUtils__/initiativeFixtures';
import readinessPlugin from './index';

jest.setTimeout(30_000);

describe('readiness plugin (new frontend system)', () => {
  it('routes the sub-path of an initiative to its view inside the page', async () => {
    const api = {
      getInitiative: jest.fn().mockResolvedValue(detail()),
    } as unknown as ReadinessApi;
    renderTestApp({
      features: [readinessPlugin],
      apis: [[readinessApiRef, api]],
      initialRouteEntries: ['/readiness/initiatives/tier1-drills'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    // The page loads lazily, as in production: slow on a loaded machine.
    const services = await screen.findByRole(
      'table',
      { name: 'Covered services' },
      { timeout: 15_000 },
    );
    expect(
      within(services).getByRole('link', { name: 'ledger' }),
    ).toHaveAttribute('href', '/catalog/default/component/ledger');
    expect(api.getInitiative).toHaveBeenCalledWith('tier1-drills');
    expect(
      screen.getByRole('link', { name: 'Production readiness' }),
    ).toHaveAttribute('href', '/readiness');
  });

  it('links beneath wherever the app mounts the page', async () => {
    const api = {
      getInitiative: jest.fn().mockResolvedValue(detail()),
    } as unknown as ReadinessApi;
    renderTestApp({
      features: [readinessPlugin],
      apis: [[readinessApiRef, api]],
      config: {
        app: {
          extensions: [{ 'page:readiness': { config: { path: '/ops/prr' } } }],
        },
      },
      initialRouteEntries: ['/ops/prr/initiatives/tier1-drills'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });
    expect(
      await screen.findByRole(
        'link',
        { name: 'Production readiness' },
        { timeout: 15_000 },
      ),
    ).toHaveAttribute('href', '/ops/prr');
    expect(api.getInitiative).toHaveBeenCalledWith('tier1-drills');
  });
});
