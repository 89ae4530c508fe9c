import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TemplateRegistry } from './TemplateRegistry';

const website = {
  id: 'website',
  version: 2,
  title: 'Website',
  selector: { type: ['website'] },
  dimensions: [{ id: 'ux', title: 'UX' }],
  phases: [
    {
      id: 'p',
      title: 'P',
      tasks: [{ id: '1.1', title: 'Lighthouse', dimension: 'ux', points: 5 }],
    },
  ],
};

const entity = (
  spec: Record<string, string>,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
  spec,
});

describe('TemplateRegistry', () => {
  it('applies defaults from the schema and selects by annotation, selector, default', () => {
    const registry = TemplateRegistry.fromConfig(
      new ConfigReader({ readiness: { templates: [website] } }),
    );
    const t = registry.get('website')!;
    expect(t).toMatchObject({ readyThreshold: 90, blockerCap: 59, version: 2 });
    expect(t.phases[0].tasks[0]).toMatchObject({
      severity: 'p1',
      checklist: [],
      verification: 'manual',
    });
    expect(registry.select(entity({ type: 'website' })).id).toBe('website');
    expect(registry.select(entity({ type: 'WEBSITE' })).id).toBe('website');
    expect(registry.select(entity({ type: 'service' })).id).toBe('default');
    expect(
      registry.select(
        entity({ type: 'website' }, { 'readiness/template': 'default' }),
      ).id,
    ).toBe('default');
    expect(
      registry.select(
        entity({ type: 'service' }, { 'readiness/template': 'website' }),
      ).id,
    ).toBe('website');
  });

  it('loads templates from YAML files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'templates-'));
    fs.writeFileSync(
      path.join(dir, 'batch.yaml'),
      'id: batch\ntitle: Batch jobs\nselector:\n  lifecycle: [experimental]\ndimensions:\n  - id: ops\n    title: Ops\nphases:\n  - id: p\n    title: P\n    tasks:\n      - id: "1.1"\n        title: Retries\n        dimension: ops\n        points: 3\n        severity: p0\n',
    );
    const registry = TemplateRegistry.fromConfig(
      new ConfigReader({ readiness: { templateFiles: ['batch.yaml'] } }),
      { baseDir: dir },
    );
    expect(registry.list().map(t => t.id)).toEqual(['default', 'batch']);
    expect(registry.select(entity({ lifecycle: 'experimental' })).id).toBe(
      'batch',
    );
  });

  it('fails start-up naming the template and the field', () => {
    const bad = {
      ...website,
      phases: [
        {
          id: 'p',
          title: 'P',
          tasks: [{ id: '1.1', title: 'T', dimension: 'nope', points: 0 }],
        },
      ],
    };
    expect(() =>
      TemplateRegistry.fromConfig(
        new ConfigReader({ readiness: { templates: [bad] } }),
      ),
    ).toThrow(
      'Invalid readiness template "website" in readiness.templates[0]: phases.0.tasks.0.points: Number must be greater than or equal to 1; phases.0.tasks.0.dimension: unknown dimension "nope"',
    );
    expect(() =>
      TemplateRegistry.fromConfig(
        new ConfigReader({
          readiness: { templateFiles: ['/nonexistent.yaml'] },
        }),
      ),
    ).toThrow(/Cannot read readiness template file \/nonexistent.yaml/);
    expect(() =>
      TemplateRegistry.fromConfig(
        new ConfigReader({ readiness: { defaultTemplate: 'ghost' } }),
      ),
    ).toThrow('readiness.defaultTemplate names unknown template "ghost"');
  });
});
