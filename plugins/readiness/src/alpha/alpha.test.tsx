import { renderTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
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
    });
    // The page loads lazily, as in production: slow on a loaded machine.
    expect(
      await screen.findByRole(
        'table',
        { name: 'Covered services' },
        { timeout: 15_000 },
      ),
    ).toBeInTheDocument();
    expect(api.getInitiative).toHaveBeenCalledWith('tier1-drills');
    expect(
      screen.getByRole('link', { name: 'Production readiness' }),
    ).toHaveAttribute('href', '/readiness');
  });
});
