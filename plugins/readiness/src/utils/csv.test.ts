import { servicesToCsv } from './csv';

describe('servicesToCsv', () => {
  it('quotes, escapes and defuses spreadsheet formulas', () => {
    const csv = servicesToCsv([
      {
        entityRef: 'component:default/a',
        owner: '=HYPERLINK("x")',
        system: 'pay, main',
        overall: 95,
        status: 'ready',
        blockers: 0,
        stage: 5,
        dimensions: {},
        computedAt: '2026-11-25T00:00:00.000Z',
      } as any,
    ]);
    expect(csv.split('\n')).toEqual([
      'entityRef,owner,system,domain,lifecycle,tier,overall,status,blockers,computedAt',
      `component:default/a,"'=HYPERLINK(""x"")","pay, main",,,,95,ready,0,2026-11-25T00:00:00.000Z`,
    ]);
  });
});
