import { LoggerService } from '@backstage/backend-plugin-api';
import { ReadinessService } from '../domain/ReadinessService';
import { ReadinessJob } from './scheduleJob';

/**
 * Hourly: re-scores every plan (expiry moves scores without any write), records the daily
 * snapshots and prunes old ones.
 * @internal
 */
export class ReevaluationJob implements ReadinessJob {
  readonly id = 'readiness-reevaluate';
  readonly configKey = 'reevaluate';
  readonly defaults = {
    frequency: { hours: 1 },
    timeout: { minutes: 15 },
    initialDelay: { minutes: 1 },
  };

  constructor(
    private readonly deps: { service: ReadinessService; logger: LoggerService },
  ) {}

  async run() {
    const { daily, pruned } = await this.deps.service.reevaluateAll();
    this.deps.logger.info(
      `Re-evaluated readiness plans: ${daily} daily snapshots, ${pruned} old snapshots pruned`,
    );
  }
}
