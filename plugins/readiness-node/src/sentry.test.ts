import http from 'node:http';
import { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import {
  captureReadinessError,
  flushSentry,
  initBackendSentry,
  scrubSentryEvent,
} from './sentry';

describe('backend Sentry reporting', () => {
  it('scrubs PII and secrets from events', () => {
    const scrubbed = scrubSentryEvent({
      message:
        'failed for alice@example.com with Bearer abc.def.ghi and sntrys_SECRET123',
      request: {
        url: 'https://backstage.example.com/api/readiness?token=hunter2&page=2',
        headers: {
          Authorization: 'Bearer abc',
          Cookie: 'session=1',
          'user-agent': 'jest',
        },
        cookies: { session: '1' },
      },
      user: { id: 'u1', email: 'alice@example.com', ip_address: '10.0.0.1' },
      extra: { config: { token: 'sntrys_abc', nested: ['bob@example.com'] } },
    });
    expect(scrubbed).toEqual({
      message: 'failed for [email] with Bearer [redacted] and [redacted]',
      request: {
        url: 'https://backstage.example.com/api/readiness?token=[redacted]&page=2',
        headers: { 'user-agent': 'jest' },
      },
      user: { id: 'u1' },
      extra: { config: { token: '[redacted]', nested: ['[email]'] } },
    });
  });

  it('sends a scrubbed envelope with environment and release to the configured DSN', async () => {
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
      expect(
        initBackendSentry({
          dsn: `http://publickey@127.0.0.1:${port}/42`,
          environment: 'test',
          release: 'readiness@1.2.3',
        }),
      ).toBe(true);
      // Once per process.
      expect(
        initBackendSentry({ dsn: `http://other@127.0.0.1:${port}/43` }),
      ).toBe(false);
      captureReadinessError(
        new Error('token sntrys_LEAK for carol@example.com expired'),
        {
          operation: 'checks',
          entityRef: 'component:default/payments',
        },
      );
      await flushSentry(5000);
      const envelope = bodies.join('\n');
      expect(envelope).toContain('"environment":"test"');
      expect(envelope).toContain('"release":"readiness@1.2.3"');
      expect(envelope).toContain('"plugin":"readiness"');
      expect(envelope).toContain('token [redacted] for [email] expired');
      expect(envelope).not.toContain('sntrys_LEAK');
      expect(envelope).not.toContain('carol@example.com');
    } finally {
      server.close();
    }
  });
});
