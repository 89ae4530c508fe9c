import { LoggerService } from '@backstage/backend-plugin-api';
import { CheckRunner } from '../checks/CheckRunner';
import { ReadinessJob } from './scheduleJob';

/** The hourly run of the automatic checks over every active plan, on one replica. @internal */
export class CheckJob implements ReadinessJob {
  readonly id = 'readiness-checks';
  readonly configKey = 'checks';
  readonly defaults = {
    frequency: { hours: 1 },
    timeout: { minutes: 30 },
    initialDelay: { seconds: 45 },
  };

  constructor(
    private readonly deps: { checks: CheckRunner; logger: LoggerService },
  ) {}

  async run() {
    const counts = await this.deps.checks.run();
    this.deps.logger.info(`Readiness checks: ${JSON.stringify(counts)}`);
    return counts;
  }
}
