import { expiringQuerySchema, gateQuerySchema } from './queries';
import { taskUpdateSchema } from './schemas';

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

  it('reads numbers written in decimal only (not hex, binary or exponents)', () => {
    for (const minScore of ['0x10', '0b1', '1e1', ' 5', '']) {
      expect(gateQuerySchema.safeParse({ minScore }).success).toBe(false);
    }
    expect(gateQuerySchema.parse({ minScore: '72.5' }).minScore).toBe(72.5);
    expect(expiringQuerySchema.safeParse({ days: '0x1e' }).success).toBe(false);
  });
});

describe('expiringQuerySchema', () => {
  it('defaults to 30 days and bounds the window', () => {
    expect(expiringQuerySchema.parse({})).toEqual({ days: 30, limit: 100 });
    expect(expiringQuerySchema.safeParse({ days: '400' }).success).toBe(false);
  });
});

describe('taskUpdateSchema', () => {
  it('refuses checklist keys that are not item ids, such as __proto__', () => {
    const body = JSON.parse(
      '{"expectedVersion":0,"checklist":{"__proto__":true}}',
    );
    expect(taskUpdateSchema.safeParse(body).success).toBe(false);
    expect(
      taskUpdateSchema.parse({ expectedVersion: 0, checklist: { a: true } }),
    ).toMatchObject({ checklist: { a: true } });
  });
});
