import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';

const fixture = (name: string) =>
  fs.readFileSync(
    resolvePackagePath(
      '@prodready/plugin-readiness-backend-module-probes',
      'src/__fixtures__',
      name,
    ),
  );

/** Test-only self-signed certificate (localhost, 127.0.0.1, *.example.test), valid to 2126. */
export const testCert = fixture('localhost-cert.pem');
const testKey = fixture('localhost-key.pem');

/** Headers a well-configured service sends. */
export const goodHeaders = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'",
};

/**
 * A server on 127.0.0.1 answering every request with `status` and `headers` (or never, with
 * `hang`; or with a body that never ends, with `endless`), recording the TCP connections and
 * request paths it saw.
 */
export async function localServer(
  options: {
    tls?: boolean;
    status?: number;
    headers?: Record<string, string>;
    hang?: boolean;
    endless?: boolean;
  } = {},
) {
  const seen: string[] = [];
  let connections = 0;
  const handler: http.RequestListener = (req, res) => {
    seen.push(req.url ?? '');
    if (options.hang) return;
    res.writeHead(options.status ?? 200, options.headers ?? {});
    if (!options.endless) {
      res.end('ok');
      return;
    }
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const timer = setInterval(() => res.write(chunk), 1);
    res.on('close', () => clearInterval(timer));
  };
  const server = options.tls
    ? https.createServer({ key: testKey, cert: testCert }, handler)
    : http.createServer(handler);
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A port on 127.0.0.1 nothing listens on. */
export async function closedPort() {
  const server = await localServer();
  server.close();
  return server.port;
}

/** A service entity with the given links and annotations. */
export function entity(
  options: {
    name?: string;
    links?: Array<{ type: string; url: string }>;
    annotations?: Record<string, string>;
  } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: options.name ?? 'payments',
      links: options.links,
      annotations: options.annotations,
    },
    spec: { type: 'service', owner: 'group:default/payments-team' },
  };
}
