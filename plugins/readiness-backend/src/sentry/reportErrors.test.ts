import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import * as Sentry from '@sentry/node';
import { scrubSentryEvent } from '@prodready/plugin-readiness-node';
import { captureReadinessError } from './reportErrors';

describe('captureReadinessError', () => {
  it('does nothing while the backend has not started Sentry', () => {
    expect(Sentry.getClient()).toBeUndefined();
    expect(() =>
      captureReadinessError(new Error('x'), { operation: 'checks' }),
    ).not.toThrow();
  });

  it('reports through the client the app started, tagged and scrubbed by the app', async () => {
    const bodies: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        bodies.push(
          (req.headers['content-encoding'] === 'gzip'
            ? zlib.gunzipSync(raw)
            : raw
          ).toString('utf8'),
        );
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    try {
      // What an adopter's instrument file does (the README shows it).
      Sentry.init({
        dsn: `http://publickey@127.0.0.1:${port}/42`,
        environment: 'test',
        release: 'readiness@1.2.3',
        beforeSend: event => scrubSentryEvent(event),
        tracesSampleRate: 0,
      });
      captureReadinessError(
        new Error('token sntrys_LEAK for carol@example.com expired'),
        { operation: 'checks', entityRef: 'component:default/payments' },
      );
      await Sentry.flush(5000);
      const envelope = bodies.join('\n');
      expect(envelope).toContain('"environment":"test"');
      expect(envelope).toContain('"plugin":"readiness"');
      expect(envelope).toContain('"operation":"checks"');
      expect(envelope).toContain('token [redacted] for [email] expired');
      expect(envelope).not.toContain('sntrys_LEAK');
      expect(envelope).not.toContain('carol@example.com');
    } finally {
      await Sentry.close(2000);
      server.close();
    }
  });
});
