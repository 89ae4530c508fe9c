import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { InitiativeBurnUp } from './InitiativeBurnUp';

const history = [
  { day: '2027-01-03', services: 4, met: 2 },
  { day: '2027-01-01', services: 4, met: 0 },
  { day: '2027-01-02', services: 4, met: 1 },
];

describe('InitiativeBurnUp', () => {
  it('names what it shows and lays the days out from the start to the deadline', async () => {
    await renderInTestApp(
      <InitiativeBurnUp
        title="Tier-1 restore drills"
        startsAt="2027-01-01"
        deadline="2027-01-11"
        total={5}
        history={history}
      />,
    );
    const chart = screen.getByRole('img', {
      name: 'Burn-up of Tier-1 restore drills: 2 of 4 services met the goal on 2027-01-03, from 0 on 2027-01-01; 5 services covered now; deadline 2027-01-11',
    });
    // Plot from x=40 to x=624 over 10 days, from y=212 (0) up to y=24 (5 services).
    expect(chart.querySelector('[data-testid="burn-up-met"]')).toHaveAttribute(
      'points',
      '40,212 98.4,174.4 156.8,136.8',
    );
    const total = chart.querySelector('[data-testid="burn-up-total"]');
    expect(total).toHaveAttribute('y1', '24');
    expect(total).toHaveAttribute('x2', '624');
    expect(
      chart.querySelector('[data-testid="burn-up-deadline"]'),
    ).toHaveAttribute('x1', '624');
    expect(within(chart).getByText('5 services')).toBeInTheDocument();
    expect(within(chart).getByText('2027-01-01')).toBeInTheDocument();
    expect(within(chart).getByText('2027-01-11')).toBeInTheDocument();

    const table = screen.getByRole('table', {
      name: 'Burn-up of Tier-1 restore drills, day by day',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'DayServicesMeet the goal',
      '2027-01-0140',
      '2027-01-0241',
      '2027-01-0342',
    ]);
  });

  it('still shows the scope and the deadline before the first recorded day', async () => {
    await renderInTestApp(
      <InitiativeBurnUp
        title="Q1 hardening"
        startsAt="2027-01-01"
        deadline="2027-03-31"
        total={12}
        history={[]}
      />,
    );
    const chart = screen.getByRole('img', {
      name: 'Burn-up of Q1 hardening: no progress recorded yet; 12 services covered now; deadline 2027-03-31',
    });
    expect(
      within(chart).getByText('No progress recorded yet'),
    ).toBeInTheDocument();
    expect(chart.querySelector('[data-testid="burn-up-met"]')).toBeNull();
    expect(
      chart.querySelector('[data-testid="burn-up-deadline"]'),
    ).toHaveAttribute('x1', '624');
  });
});
