import { expiringQuerySchema, gateQuerySchema } from './queries';

describe('gateQuerySchema', () => {
  it('fills in a strict gate by default', () => {
    expect(gateQuerySchema.parse({})).toEqual({
      minScore: 0,
      minStage: 0,
      allowAtRisk: false,
      allowExpired: false,
      requireDependencies: false,
    });
  });

  it('converts query strings and refuses what is not a number or unknown', () => {
    expect(
      gateQuerySchema.parse({ minScore: '80', allowAtRisk: 'true' }),
    ).toMatchObject({ minScore: 80, allowAtRisk: true });
    expect(gateQuerySchema.safeParse({ minScore: 'abc' }).success).toBe(false);
    expect(gateQuerySchema.safeParse({ bogus: '1' }).success).toBe(false);
  });
});

describe('expiringQuerySchema', () => {
  it('defaults to 30 days and bounds the window', () => {
    expect(expiringQuerySchema.parse({})).toEqual({ days: 30 });
    expect(expiringQuerySchema.safeParse({ days: '400' }).success).toBe(false);
  });
});
