import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { Evidence } from '@prodready/plugin-readiness-common';
import {
  InitiativeStateChip,
  ReadinessStatusChip,
  SeverityChip,
  TrustChip,
} from './StatusChip';

const evidence = (over: Partial<Evidence>): Evidence =>
  ({
    id: 'e1',
    kind: 'link',
    summary: 'runbook',
    source: 'manual',
    trust: 'claimed',
    recordedAt: '2026-11-20T00:00:00.000Z',
    recordedBy: 'user:default/alice',
    ...over,
  } as Evidence);

describe('status chips', () => {
  it('names readiness statuses and initiative states the same everywhere', async () => {
    await renderInTestApp(
      <>
        <ReadinessStatusChip status="not_ready" />
        <ReadinessStatusChip status="at_risk" size="small" />
        <InitiativeStateChip state="overdue" />
        <SeverityChip severity="p0" />
      </>,
    );
    expect(screen.getByLabelText('Status: Not ready')).toHaveTextContent(
      'Not ready',
    );
    expect(screen.getByLabelText('Status: At risk')).toHaveTextContent(
      'At risk',
    );
    expect(screen.getByLabelText('State: Overdue')).toHaveTextContent(
      'Overdue',
    );
    expect(screen.getByText('P0')).toBeInTheDocument();
  });

  it('fills the chip of proof and outlines that of a claim', async () => {
    await renderInTestApp(
      <>
        <TrustChip evidence={evidence({ trust: 'verified' })} />
        <TrustChip
          evidence={evidence({
            trust: 'claimed',
            review: { state: 'pending' },
          })}
        />
      </>,
    );
    const verified = screen.getByText('Verified').closest('.MuiChip-root');
    expect(verified).not.toHaveClass('MuiChip-outlined');
    expect(verified).toHaveAttribute(
      'title',
      'Recorded by an automatic check or a bound CI principal',
    );
    expect(
      screen.getByText('Claimed · awaiting review').closest('.MuiChip-root'),
    ).toHaveClass('MuiChip-outlined');
  });
});
