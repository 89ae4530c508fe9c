import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { ReadinessService } from '../domain/ReadinessService';
import {
  EXPIRY_WARNING_DAYS,
  ReadinessNotifier,
} from '../notify/ReadinessNotifier';
import { ReadinessJob } from './scheduleJob';

/**
 * Every 6 hours: reads through the service the evidence that expires within 14 days (or
 * has expired) and has the notifier tell the owners, each event once.
 * @internal
 */
export class EvidenceExpiryJob implements ReadinessJob {
  readonly id = 'readiness-evidence-expiry';
  readonly configKey = 'evidenceExpiry';
  readonly defaults = {
    frequency: { hours: 6 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 2 },
  };

  constructor(
    private readonly deps: {
      service: ReadinessService;
      notifier: ReadinessNotifier;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  /** Returns how many notifications were sent. */
  async run(now: Date = new Date()): Promise<number> {
    const { service, notifier, auth, logger } = this.deps;
    // As the plugin itself: every service's evidence.
    const expiring = await service.expiringEvidence(
      EXPIRY_WARNING_DAYS,
      await auth.getOwnServiceCredentials(),
      now,
    );
    const sent = await notifier.evidenceExpiry(expiring, now);
    if (sent) logger.info(`Sent ${sent} readiness evidence notifications`);
    return sent;
  }
}
