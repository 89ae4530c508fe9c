import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  rollupQuerySchema,
  servicesQuerySchema,
} from '@prodready/plugin-readiness-common';
import { createRouter } from '../http/router';

describe('openapi.yaml', () => {
  it('is what the committed generated files were generated from', () => {
    // Throws (exit 1, naming the stale files) when openapi.yaml changed without
    // `yarn openapi:generate`.
    const out = execFileSync(
      process.execPath,
      [path.join(__dirname, 'generate.mjs'), '--check'],
      { stdio: 'pipe', encoding: 'utf8' },
    );
    expect(out).toContain('up to date');
  });

  it('describes every route the router serves, and nothing else', async () => {
    const spec = yaml.parse(
      fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
    );
    const router = await createRouter({} as any);
    // The routes sit on the generated router, mounted inside the one createRouter returns.
    const layers = (stack: any[]): any[] =>
      stack.flatMap((layer: any) =>
        layer.route ? [layer] : layers(layer.handle?.stack ?? []),
      );
    const served = layers((router as any).stack)
      .filter((layer: any) => layer.route.path !== '/openapi.json')
      .flatMap((layer: any) =>
        Object.keys(layer.route.methods).map(
          m =>
            `${m.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`,
        ),
      )
      .sort();
    const documented = Object.entries(spec.paths)
      .flatMap(([p, ops]: [string, any]) =>
        Object.keys(ops)
          .filter(k => ['get', 'post', 'put', 'patch', 'delete'].includes(k))
          .map(m => `${m.toUpperCase()} ${p}`),
      )
      .sort();
    expect(served.length).toBeGreaterThan(15);
    expect(documented).toEqual(served);
  });

  const spec = () =>
    yaml.parse(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'));

  it('parses without keys a stray comma made up (every key has a value)', () => {
    const broken: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (value === null) broken.push(`${at}.${key}`);
        walk(value, `${at}.${key}`);
      }
    };
    walk(spec(), '');
    expect(broken).toEqual([]);
  });

  it('documents exactly the query parameters the validation accepts', () => {
    const paths = spec().paths;
    const names = (p: string) =>
      paths[p].get.parameters
        .map((x: any) => (x.$ref ? x.$ref.split('/').pop() : x.name))
        .filter((n: string) => !['kind', 'namespace', 'name'].includes(n))
        .sort();
    expect(names('/scores')).toEqual(
      Object.keys(rollupQuerySchema.shape).sort(),
    );
    expect(names('/services')).toEqual(
      Object.keys(servicesQuerySchema.shape).sort(),
    );
  });
});
