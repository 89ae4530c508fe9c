import { scrubSentryEvent } from './sentry';

describe('scrubSentryEvent', () => {
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
});
