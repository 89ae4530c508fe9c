import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { summarizeEntityReadiness } from '@prodready/plugin-readiness-common';
import { claimed, done, response } from '../../__testUtils__/readinessFixtures';
import { screen, within } from '@testing-library/react';
import { ReadinessApi, readinessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { EntityReadinessCard } from './EntityReadinessCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations },
  spec: { type: 'service', owner: 'team-a' },
});

const annotated = entity({ 'sentry.io/project-slug': 'payments' });

async function renderCard(api: Partial<ReadinessApi>, e: Entity = annotated) {
  const full = {
    getEntityInitiatives: jest.fn().mockResolvedValue([]),
    ...api,
  } as ReadinessApi;
  return renderInTestApp(
    <TestApiProvider apis={[[readinessApiRef, full]]}>
      <EntityProvider entity={e}>
        <EntityReadinessCard />
      </EntityProvider>
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/readiness': rootRouteRef,
      },
    },
  );
}

describe('EntityReadinessCard', () => {
  it('flags the not-ready services this one depends on', async () => {
    const data = structuredClone(response([done('1.1'), done('2.1')]));
    data.dependencies = [
      {
        entityRef: 'component:default/ledger',
        overall: 59,
        status: 'not_ready',
      },
      { entityRef: 'resource:default/db', overall: 95, status: 'ready' },
    ];
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(summarizeEntityReadiness(data)),
    });
    const list = await screen.findByRole('list', {
      name: 'Not-ready dependencies',
    });
    expect(within(list).getByRole('link', { name: 'ledger' })).toHaveAttribute(
      'href',
      '/catalog/default/component/ledger',
    );
    expect(within(list).queryByText('resource:default/db')).toBeNull();
  });

  it('says which check proves a blocker, when it last ran and links the red CI run', async () => {
    const data = structuredClone(response([done('1.1'), done('2.1')]));
    data.template.phases[0].tasks[1].verification = 'github-ci';
    data.checkRuns = [
      {
        taskId: '1.2',
        checkId: 'github-ci',
        checkTitle: 'Default branch CI green on GitHub Actions',
        outcome: 'failed',
        summary: 'CI #42 on main ended failure',
        url: 'https://github.example.com/acme/payments/actions/runs/42',
        ranAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      },
    ];
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(summarizeEntityReadiness(data)),
    });
    expect(await screen.findByLabelText('Proof of task 1.2')).toHaveTextContent(
      'Checked by Default branch CI green on GitHub Actions · failed 3 h ago: CI #42 on main ended failure',
    );
    expect(
      screen.getByRole('link', { name: /CI #42 on main ended failure/ }),
    ).toHaveAttribute(
      'href',
      'https://github.example.com/acme/payments/actions/runs/42',
    );
  });

  it('shows the computed score, status, dimensions, phases and blockers', async () => {
    const getEntitySummary = jest
      .fn()
      .mockResolvedValue(
        summarizeEntityReadiness(response([done('1.1'), done('2.1')])),
      );
    await renderCard({ getEntitySummary });

    // Ops 50/60, Sec 40/40 → 91.7 uncapped, capped at 59 by the open P0
    expect(
      await screen.findByRole('img', { name: 'Readiness score 59 of 100' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Status: Not ready')).toBeInTheDocument();
    // The P0 of phase 1 is open: no phase is proven yet.
    expect(screen.getByLabelText('Phase stage')).toHaveTextContent(
      'Phase 0 of 2 — no phase proven yet',
    );
    expect(
      screen.getByText(/Capped at 59 by open P0 blockers \(uncapped 91.7\)/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Operations score' }),
    ).toHaveAttribute('aria-valuenow', '83');
    expect(
      screen.getByRole('progressbar', { name: 'Security score' }),
    ).toHaveAttribute('aria-valuenow', '100');
    const blockers = screen.getByRole('list', { name: 'Open P0 blockers' });
    expect(
      within(blockers).getByText('1.2 Production build passes'),
    ).toBeInTheDocument();
    // An open task needs no reason, only what would prove it.
    expect(within(blockers).getByRole('listitem')).toHaveTextContent(
      /^1\.2 Production build passesProven by a second person’s review of the evidence$/,
    );
    const phases = screen.getByRole('list', { name: 'Phase progress' });
    expect(
      within(phases).getByText('1. Monitoring & visibility'),
    ).toBeInTheDocument();
    expect(
      within(phases).getByText('1/2 tasks · 50/60 points'),
    ).toBeInTheDocument();
    const links = screen.getByRole('list', { name: 'Service links' });
    expect(
      within(links).getByRole('link', { name: /payments-api/ }),
    ).toHaveAttribute(
      'href',
      'https://sentry.example.com/organizations/acme/projects/payments-api/',
    );
    expect(
      within(links).getByText('Backup: Daily snapshots'),
    ).toBeInTheDocument();
    expect(
      within(links).getByText(
        'RPO 24 h · RTO 4 h · retention 35 d · drill every 90 d · last drill never reported',
      ),
    ).toBeInTheDocument();
    expect(
      within(links).getByRole('link', {
        name: /^Runbook \(dr\): Disaster recovery/,
      }),
    ).toBeInTheDocument();
    expect(within(links).getByText('reviewed 40 days ago')).toBeInTheDocument();
    expect(getEntitySummary).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it('lists evidence that expired or expires within 30 days', async () => {
    const stale = done('1.1');
    stale.evidence[0] = {
      ...stale.evidence[0],
      summary: 'old drill',
      expiresAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    };
    const soon = done('2.1');
    soon.evidence[0] = {
      ...soon.evidence[0],
      summary: 'audit',
      expiresAt: '2099-01-01T00:00:00.000Z',
    };
    soon.evidence.push({
      ...soon.evidence[0],
      id: 'e2',
      summary: 'scan',
      expiresAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
    });
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(summarizeEntityReadiness(response([stale, soon]))),
    });
    const list = await screen.findByRole('list', { name: 'Expiring evidence' });
    const items = within(list)
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(items).toEqual([
      '1.1: old drillexpired 2 days ago',
      expect.stringMatching(/^2\.1: scanexpires \d{4}-\d{2}-\d{2}$/),
    ]);
  });

  it('explains why a P0 done on a claim, or with expired proof, still blocks', async () => {
    const stale = done('1.2');
    stale.evidence[0] = {
      ...stale.evidence[0],
      expiresAt: new Date(Date.now() - 86_400_000).toISOString(),
    };
    const claimedRender = await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(
          summarizeEntityReadiness(
            response([done('1.1'), claimed('1.2'), done('2.1')]),
          ),
        ),
    });
    const blockers = await screen.findByRole('list', {
      name: 'Open P0 blockers',
    });
    const item = within(blockers).getByRole('listitem');
    expect(item).toHaveTextContent('1.2 Production build passes');
    expect(item).toHaveTextContent(
      "marked done, but a P0 needs verified or reviewed proof (CI evidence or a second person's review)",
    );
    expect(screen.getByLabelText('Status: Not ready')).toBeInTheDocument();
    claimedRender.unmount();

    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(
          summarizeEntityReadiness(response([done('1.1'), stale, done('2.1')])),
        ),
    });
    const expired = within(
      await screen.findByRole('list', { name: 'Open P0 blockers' }),
    ).getByRole('listitem');
    expect(expired).toHaveTextContent(
      '1.2 Production build passesits proof expired',
    );
    expect(expired).not.toHaveTextContent('marked done');
  });

  it('counts a reviewed P0 as proof: no blocker', async () => {
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(
          summarizeEntityReadiness(
            response([
              done('1.1'),
              claimed(
                '1.2',
                { state: 'approved', reviewedBy: 'user:default/bob' },
                'reviewed',
              ),
              done('2.1'),
            ]),
          ),
        ),
    });
    expect(await screen.findByLabelText('Status: Ready')).toBeInTheDocument();
    expect(screen.getByText('Open P0 blockers (0)')).toBeInTheDocument();
  });

  it('shows Ready when everything is proven', async () => {
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(
          summarizeEntityReadiness(
            response([done('1.1'), done('1.2'), done('2.1')]),
          ),
        ),
    });
    expect(await screen.findByLabelText('Status: Ready')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Readiness score 100 of 100' }),
    ).toBeInTheDocument();
  });

  it('lists the initiatives the service is in, with what it still lacks', async () => {
    const getEntityInitiatives = jest.fn().mockResolvedValue([
      {
        id: 'tier1-drills',
        title: 'Tier-1 restore drills',
        deadline: '2000-01-31',
        state: 'overdue',
        met: false,
        lacking: ['task 3.2 not proven'],
      },
    ]);
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(summarizeEntityReadiness(response([done('1.1')]))),
      getEntityInitiatives,
    });
    const list = await screen.findByRole('list', { name: 'Initiatives' });
    expect(
      within(list).getByRole('link', { name: 'Tier-1 restore drills' }),
    ).toHaveAttribute('href', '/readiness/initiatives/tier1-drills');
    expect(list).toHaveTextContent('Deadline 2000-01-31 (overdue by');
    expect(list).toHaveTextContent('Still lacks: task 3.2 not proven');
    expect(getEntityInitiatives).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it('keeps the card whole when the initiatives cannot be loaded, and shows none when there are none', async () => {
    const failed = await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(summarizeEntityReadiness(response([done('1.1')]))),
      getEntityInitiatives: jest.fn().mockRejectedValue(new Error('boom')),
    });
    expect(
      await screen.findByText('Initiatives could not be loaded.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Status: Not ready')).toBeInTheDocument();
    expect(screen.queryByText(/boom/)).toBeNull();
    failed.unmount();

    const getEntityInitiatives = jest.fn().mockResolvedValue([]);
    await renderCard({
      getEntitySummary: jest
        .fn()
        .mockResolvedValue(summarizeEntityReadiness(response([done('1.1')]))),
      getEntityInitiatives,
    });
    expect(
      await screen.findByLabelText('Status: Not ready'),
    ).toBeInTheDocument();
    expect(getEntityInitiatives).toHaveBeenCalled();
    expect(screen.queryByText('Initiatives')).toBeNull();
    expect(screen.queryByText('Initiatives could not be loaded.')).toBeNull();
  });

  it('reads the compact summary, never the full read', async () => {
    const getEntityReadiness = jest.fn();
    const getEntitySummary = jest
      .fn()
      .mockResolvedValue(summarizeEntityReadiness(response([done('1.1')])));
    await renderCard({ getEntityReadiness, getEntitySummary });
    expect(
      await screen.findByLabelText('Status: Not ready'),
    ).toBeInTheDocument();
    expect(getEntitySummary).toHaveBeenCalledTimes(1);
    expect(getEntityReadiness).not.toHaveBeenCalled();
  });

  it('names the annotations to add when the entity is not registered', async () => {
    const getEntitySummary = jest.fn();
    await renderCard({ getEntitySummary }, entity({}));
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/sentry\.io\/project-slug/).length,
    ).toBeGreaterThan(0);
    expect(getEntitySummary).not.toHaveBeenCalled();
  });

  it('shows the backend error', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'NotFoundError', message: 'no plan here' },
          response: { statusCode: 404 },
        }),
        {
          status: 404,
          statusText: 'Not Found',
          headers: { 'content-type': 'application/json' },
        },
      ) as any,
    );
    await renderCard({
      getEntitySummary: jest.fn().mockRejectedValue(error),
    });
    expect((await screen.findAllByText(/no plan here/)).length).toBeGreaterThan(
      0,
    );
  });
});
