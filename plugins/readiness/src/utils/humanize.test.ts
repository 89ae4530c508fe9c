import { Evidence } from '@prodready/plugin-readiness-common';
import { humanizeActor } from './humanize';
import { provenance } from './labels';

const evidence = (e: Partial<Evidence>): Evidence => ({
  id: 'e',
  kind: 'link',
  url: 'https://example.com',
  summary: 's',
  source: 'manual',
  trust: 'claimed',
  recordedAt: '2026-11-01T00:00:00.000Z',
  recordedBy: 'user:default/alice',
  ...e,
});

describe('humanizeActor', () => {
  it('names people and teams as the catalog does and leaves other actors alone', () => {
    expect(humanizeActor('user:default/alice')).toBe('alice');
    expect(humanizeActor('user:ops/bob')).toBe('ops/bob');
    expect(humanizeActor('group:default/payments-team')).toBe('payments-team');
    expect(humanizeActor('service:external:ci-payments')).toBe(
      'service:external:ci-payments',
    );
    expect(humanizeActor('check:sentry-errors')).toBe('check:sentry-errors');
    expect(humanizeActor(undefined)).toBe('unknown');
  });
});

describe('provenance', () => {
  it('labels verified, reviewed, pending, rejected and plain claims', () => {
    expect(provenance(evidence({ trust: 'verified' })).label).toBe('Verified');
    expect(
      provenance(
        evidence({
          trust: 'reviewed',
          review: { state: 'approved', reviewedBy: 'user:default/bob' },
        }),
      ).label,
    ).toBe('Reviewed by bob');
    expect(provenance(evidence({ review: { state: 'pending' } })).label).toBe(
      'Claimed · awaiting review',
    );
    expect(
      provenance(
        evidence({
          review: {
            state: 'rejected',
            reviewedBy: 'user:default/carol',
            comment: 'Link is a 404',
          },
        }),
      ),
    ).toMatchObject({
      label: 'Claimed · rejected',
      detail: 'Rejected by carol: Link is a 404',
      tone: 'rejected',
    });
    expect(provenance(evidence({ kind: 'attestation' })).label).toBe('Claimed');
  });
});
