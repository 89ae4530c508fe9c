import {
  InitiativeDetail,
  InitiativeSummary,
} from '@prodready/plugin-readiness-common';

/** The UTC day `days` from today (negative: before). */
export const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const summary = (
  overrides: Partial<InitiativeSummary> = {},
): InitiativeSummary => ({
  id: 'tier1-drills',
  title: 'Tier-1 restore drills',
  description: 'Every tier-1 service proves a restore drill.',
  owner: 'group:default/sre-team',
  selection: { tiers: ['1'] },
  goal: { tasks: ['3.2'], noOpenP0: true },
  startsAt: inDays(-10),
  deadline: inDays(20),
  source: 'config',
  state: 'active',
  progress: { services: 3, met: 1 },
  ...overrides,
});

export const detail = (
  overrides: Partial<InitiativeDetail> = {},
): InitiativeDetail => ({
  ...summary(),
  teams: [
    { owner: 'group:default/growth-team', services: 1, met: 0 },
    { owner: 'group:default/payments-team', services: 2, met: 1 },
  ],
  services: [
    {
      entityRef: 'component:default/checkout',
      owner: 'group:default/payments-team',
      met: true,
      lacking: [],
    },
    {
      entityRef: 'component:default/ledger',
      owner: 'group:default/payments-team',
      met: false,
      lacking: ['task 3.2 not proven', '1 open P0 blocker'],
    },
    {
      entityRef: 'component:default/signup',
      owner: 'group:default/growth-team',
      met: false,
      lacking: ['task 3.2 not proven'],
    },
  ],
  history: [
    { day: inDays(-10), services: 3, met: 0 },
    { day: inDays(-9), services: 3, met: 1 },
  ],
  ...overrides,
});
