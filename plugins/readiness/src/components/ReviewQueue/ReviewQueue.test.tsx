import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { ReviewQueueItem } from '@prodready/plugin-readiness-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { ReviewQueue } from './ReviewQueue';

const item = (
  name: string,
  taskId: string,
  evidenceId: string,
): ReviewQueueItem => ({
  entityRef: `component:default/${name}`,
  owner: 'group:default/payments-team',
  taskId,
  taskTitle: 'Production build passes',
  severity: 'p0',
  evidence: {
    id: evidenceId,
    kind: 'link',
    url: `https://ci.example.com/${name}/runs/42`,
    summary: `${name} build green`,
    source: 'manual',
    trust: 'claimed',
    review: { state: 'pending' },
    recordedAt: '2026-11-20T10:00:00.000Z',
    recordedBy: 'user:default/alice',
  },
});

const render = (api: Partial<ReadinessApi>) =>
  renderInTestApp(
    <TestApiProvider apis={[[readinessApiRef, api as ReadinessApi]]}>
      <ReviewQueue />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('ReviewQueue', () => {
  it('lists evidence awaiting review with its service, task, link, submitter and date', async () => {
    await render({
      listReviews: jest
        .fn()
        .mockResolvedValue([
          item('payments', '5.1', 'ev1'),
          item('cart', '1.2', 'ev2'),
        ]),
    });
    const table = await screen.findByRole('table', { name: 'Review queue' });
    expect(screen.getByText('Review queue (2)')).toBeInTheDocument();
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const first = rows[0];
    expect(
      within(first).getByRole('link', { name: /^payments$/ }),
    ).toHaveAttribute('href', '/catalog/default/component/payments');
    expect(first).toHaveTextContent('owner payments-team');
    expect(first).toHaveTextContent('5.1 Production build passes');
    expect(within(first).getByText('P0')).toBeInTheDocument();
    expect(
      within(first).getByRole('link', { name: /^payments build green/ }),
    ).toHaveAttribute('href', 'https://ci.example.com/payments/runs/42');
    expect(within(first).getByText('alice')).toBeInTheDocument();
    expect(within(first).getByText('2026-11-20')).toBeInTheDocument();
  });

  it('approves through the API, then refreshes the queue', async () => {
    const listReviews = jest
      .fn()
      .mockResolvedValueOnce([item('payments', '5.1', 'ev1')])
      .mockResolvedValue([]);
    const reviewEvidence = jest.fn().mockResolvedValue({});
    await render({ listReviews, reviewEvidence });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Approve evidence "payments build green" on task 5.1 of component:default/payments',
      }),
    );
    await waitFor(() =>
      expect(reviewEvidence).toHaveBeenCalledWith(
        { kind: 'component', namespace: 'default', name: 'payments' },
        '5.1',
        'ev1',
        { decision: 'approve' },
      ),
    );
    expect(
      await screen.findByText('Nothing is waiting for your review.'),
    ).toBeInTheDocument();
    expect(listReviews).toHaveBeenCalledTimes(2);
    expect(
      screen.queryByRole('table', { name: 'Review queue' }),
    ).not.toBeInTheDocument();
  });

  it('asks for a comment of at least 3 characters before rejecting', async () => {
    const listReviews = jest
      .fn()
      .mockResolvedValue([item('payments', '5.1', 'ev1')]);
    const reviewEvidence = jest.fn().mockResolvedValue({});
    await render({ listReviews, reviewEvidence });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Reject evidence "payments build green" on task 5.1 of component:default/payments',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Reject evidence',
    });
    const reject = within(dialog).getByRole('button', { name: 'Reject' });
    const comment = within(dialog).getByLabelText(
      'Why it does not prove the task',
    );
    expect(reject).toBeDisabled();
    fireEvent.change(comment, { target: { value: ' no ' } });
    expect(reject).toBeDisabled();
    fireEvent.change(comment, { target: { value: 'Link is a 404' } });
    fireEvent.click(reject);
    await waitFor(() =>
      expect(reviewEvidence).toHaveBeenCalledWith(
        { kind: 'component', namespace: 'default', name: 'payments' },
        '5.1',
        'ev1',
        { decision: 'reject', comment: 'Link is a 404' },
      ),
    );
    await waitFor(() => expect(listReviews).toHaveBeenCalledTimes(2));
  });

  it('shows a refused review and keeps the item', async () => {
    const reviewEvidence = jest
      .fn()
      .mockRejectedValue(
        new Error('members of the owning group cannot review'),
      );
    await render({
      listReviews: jest
        .fn()
        .mockResolvedValue([item('payments', '5.1', 'ev1')]),
      reviewEvidence,
    });
    fireEvent.click(
      await screen.findByRole('button', { name: /^Approve evidence/ }),
    );
    expect(
      (await screen.findAllByText(/members of the owning group cannot review/))
        .length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByRole('table', { name: 'Review queue' }),
    ).toBeInTheDocument();
  });

  it('says so when nothing awaits review', async () => {
    await render({ listReviews: jest.fn().mockResolvedValue([]) });
    expect(
      await screen.findByText('Nothing is waiting for your review.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
