import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { ReadinessAnnotationsProcessor } from './ReadinessAnnotationsProcessor';

const processor = ReadinessAnnotationsProcessor.fromConfig(
  new ConfigReader({
    readiness: {
      backupPolicies: {
        'daily-35d': {
          title: 'Daily',
          rpoHours: 24,
          rtoHours: 4,
          retentionDays: 35,
          restoreDrillEveryDays: 90,
        },
      },
      templates: [{ id: 'web-service' }],
    },
  }),
);

const entity = (
  annotations: Record<string, string>,
  links: Entity['metadata']['links'] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', annotations, links },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});
const location = {
  type: 'url',
  target: 'https://example.com/catalog-info.yaml',
};

describe('ReadinessAnnotationsProcessor', () => {
  it('passes a valid entity untouched and emits nothing', async () => {
    const good = entity(
      {
        'sentry.io/project-slug': 'payments-api',
        'readiness/backup-policy': 'daily-35d',
        'readiness/template': 'web-service',
        'readiness/tier': '1',
      },
      [
        {
          url: 'https://runbooks.example.com/dr',
          title: 'DR',
          type: 'runbook-dr',
        },
      ],
    );
    const emit = jest.fn();
    const out = await processor.postProcessEntity(good, location, emit);
    expect(out).toBe(good);
    expect(emit).not.toHaveBeenCalled();
  });

  it('accepts numeric Sentry ids and org/project slugs', () => {
    expect(
      processor.validate(entity({ 'sentry.io/project-slug': '4505' })),
    ).toEqual([]);
    expect(
      processor.validate(entity({ 'sentry.io/project-slug': 'acme/payments' })),
    ).toEqual([]);
  });

  it('reports each bad annotation with the annotation name', () => {
    const errors = processor.validate(
      entity({
        'sentry.io/project-slug': 'Payments API!',
        'readiness/backup-policy': 'hourly',
        'readiness/template': 'nope',
        'readiness/tier': 'gold',
      }),
    );
    expect(errors).toEqual([
      expect.stringContaining('sentry.io/project-slug "Payments API!"'),
      expect.stringContaining(
        'unknown backup policy "hourly" (known: daily-35d',
      ),
      expect.stringContaining(
        'unknown template "nope" (known: default, web-service)',
      ),
      expect.stringContaining('readiness/tier "gold"'),
    ]);
  });

  it('reports bad runbook links and ignores other links', () => {
    const errors = processor.validate(
      entity({}, [
        { url: 'not a url', type: 'runbook-dr' },
        { url: 'https://x.example.com', type: 'runbook-coffee' },
        { url: 'https://x.example.com', type: 'runbooks' },
        { url: 'whatever', type: 'website' },
      ]),
    );
    expect(errors).toEqual([
      expect.stringContaining('metadata.links[0].url "not a url"'),
      expect.stringContaining('unknown runbook type "coffee"'),
      expect.stringContaining('metadata.links[2].type "runbooks"'),
    ]);
  });

  it('emits input errors for an invalid entity', async () => {
    const emit = jest.fn();
    await processor.postProcessEntity(
      entity({ 'readiness/tier': '9' }),
      location,
      emit,
    );
    expect(emit).toHaveBeenCalledWith(
      expect.objectContaining({
        type: 'error',
        location,
        error: expect.objectContaining({ name: 'InputError' }),
      }),
    );
  });
});
