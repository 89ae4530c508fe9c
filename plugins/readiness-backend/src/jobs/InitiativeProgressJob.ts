import { LoggerService } from '@backstage/backend-plugin-api';
import { InitiativeService } from '../domain/initiatives/InitiativeService';
import { ReadinessJob } from './scheduleJob';

/**
 * Hourly: the initiatives' daily burn-up point and their deadline reminders (14 and 7 days
 * before, and once overdue).
 * @internal
 */
export class InitiativeProgressJob implements ReadinessJob {
  readonly id = 'readiness-initiatives';
  readonly configKey = 'initiatives';
  readonly defaults = {
    frequency: { hours: 1 },
    timeout: { minutes: 10 },
    initialDelay: { minutes: 2 },
  };

  constructor(
    private readonly deps: {
      initiatives: InitiativeService;
      logger: LoggerService;
    },
  ) {}

  async run() {
    const { recorded, sent } = await this.deps.initiatives.recordAll();
    this.deps.logger.info(
      `Initiatives: ${recorded} progress points recorded, ${sent} deadline reminders sent`,
    );
  }
}
