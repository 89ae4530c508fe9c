import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { act, screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { EntityInitiatives } from './EntityInitiatives';

const ref = { kind: 'Component', namespace: 'default', name: 'payments' };
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** The org page is mounted at `page` (or not at all). */
const render = (getEntityInitiatives: jest.Mock, page = '/readiness') =>
  renderInTestApp(
    <TestApiProvider
      apis={[
        [readinessApiRef, { getEntityInitiatives } as unknown as ReadinessApi],
      ]}
    >
      <div data-testid="card">
        <EntityInitiatives entityRef={ref} />
      </div>
    </TestApiProvider>,
    page ? { mountedRoutes: { [page]: rootRouteRef } } : {},
  );

describe('EntityInitiatives', () => {
  it('lists each initiative with its deadline and what the service still lacks', async () => {
    const getEntityInitiatives = jest.fn().mockResolvedValue([
      {
        id: 'tier1-drills',
        title: 'Tier-1 restore drills',
        deadline: inDays(12),
        state: 'active',
        met: false,
        lacking: ['task 3.2 not proven', '1 open P0 blocker'],
      },
      {
        id: 'q4-sentry',
        title: 'Sentry everywhere',
        deadline: inDays(-3),
        state: 'met',
        met: true,
        lacking: [],
      },
    ]);
    await render(getEntityInitiatives);
    const list = await screen.findByRole('list', { name: 'Initiatives' });
    expect(getEntityInitiatives).toHaveBeenCalledWith(ref);
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(
      within(items[0]).getByRole('link', { name: 'Tier-1 restore drills' }),
    ).toHaveAttribute('href', '/readiness/initiatives/tier1-drills');
    expect(items[0]).toHaveTextContent(`Deadline ${inDays(12)} (12 days left)`);
    expect(items[0]).toHaveTextContent(
      'Still lacks: task 3.2 not proven; 1 open P0 blocker',
    );
    expect(
      within(items[0]).getByLabelText('State: Active'),
    ).toBeInTheDocument();
    expect(items[1]).toHaveTextContent(
      `Deadline ${inDays(-3)} (overdue by 3 days)`,
    );
    expect(items[1]).toHaveTextContent('✓ Meets the goal');
    expect(items[1]).not.toHaveTextContent('Still lacks');
    expect(within(items[1]).getByLabelText('State: Met')).toBeInTheDocument();
  });

  it('links the initiative beneath wherever the app mounts the org page, or not at all without it', async () => {
    const getEntityInitiatives = jest.fn().mockResolvedValue([
      {
        id: 'tier1 drills',
        title: 'Tier-1 restore drills',
        deadline: inDays(12),
        state: 'active',
        met: true,
        lacking: [],
      },
    ]);
    const mounted = await render(getEntityInitiatives, '/ops/prr');
    expect(
      await screen.findByRole('link', { name: 'Tier-1 restore drills' }),
    ).toHaveAttribute('href', '/ops/prr/initiatives/tier1%20drills');
    mounted.unmount();

    await render(getEntityInitiatives, '');
    const list = await screen.findByRole('list', { name: 'Initiatives' });
    expect(within(list).getByText('Tier-1 restore drills')).toBeInTheDocument();
    expect(within(list).queryByRole('link')).toBeNull();
  });

  it('shows nothing when the service is in no initiative', async () => {
    const getEntityInitiatives = jest.fn().mockResolvedValue([]);
    await render(getEntityInitiatives);
    await act(() => new Promise(r => setTimeout(r, 0)));
    expect(getEntityInitiatives).toHaveBeenCalled();
    expect(screen.getByTestId('card')).toBeEmptyDOMElement();
  });

  it('leaves a small note when the initiatives cannot be loaded', async () => {
    await render(jest.fn().mockRejectedValue(new Error('backend down')));
    expect(
      await screen.findByText('Initiatives could not be loaded.'),
    ).toHaveAttribute('title', 'backend down');
    expect(screen.queryByRole('list')).toBeNull();
  });
});
