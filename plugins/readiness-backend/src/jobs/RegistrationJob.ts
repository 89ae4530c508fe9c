import { LoggerService } from '@backstage/backend-plugin-api';
import { CheckRunner } from '../checks/CheckRunner';
import { ReadinessService } from '../domain/ReadinessService';
import { ReadinessJob } from './scheduleJob';

/**
 * Registers the plans read before the sync registered them (reads never write), and runs
 * the checks of plans registered or changed since, so they get them within the minute. The
 * queues are this replica's, so the job runs on every replica.
 * @internal
 */
export class RegistrationJob implements ReadinessJob {
  readonly id = 'readiness-registration';
  readonly configKey = 'registration';
  readonly defaults = {
    frequency: { seconds: 30 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 20 },
  };
  readonly scope = 'local';

  constructor(
    private readonly deps: {
      service: ReadinessService;
      checks: CheckRunner;
      logger: LoggerService;
    },
  ) {}

  async run() {
    const { service, checks, logger } = this.deps;
    const registered = await service.registerPending();
    if (registered) {
      logger.info(`Registered ${registered} readiness plans on first view`);
    }
    const counts = await checks.runPending();
    if (counts.passed + counts.failed + counts.errors > 0) {
      logger.info(
        `Readiness checks of new or changed plans: ${JSON.stringify(counts)}`,
      );
    }
    return { registered, counts };
  }
}
