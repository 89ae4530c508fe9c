import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createRouter } from '../service/router';

describe('openapi.yaml', () => {
  it('describes every route the router serves, and nothing else', async () => {
    const spec = yaml.parse(
      fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
    );
    const router = await createRouter({} as any);
    const served = (router as any).stack
      .filter((layer: any) => layer.route)
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
});
