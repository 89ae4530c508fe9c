import {
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { captureReadinessError } from '../sentry/reportErrors';

/** One of the plugin's scheduled jobs. */
export interface ReadinessJob {
  id: string;
  /** `readiness.schedules.<configKey>` overrides `defaults` (none: not configurable). */
  configKey?: string;
  defaults: SchedulerServiceTaskScheduleDefinition;
  /** `local`: on every replica (the default is one replica at a time). */
  scope?: 'global' | 'local';
  /** One run; what it returns (counts, for tests and the benchmark) is not used. */
  run(): Promise<unknown>;
}

/**
 * The one way the plugin schedules its jobs: the schedule comes from
 * `readiness.schedules.<configKey>` or the job's defaults, and a failure goes to the
 * backend's Sentry (when the adopter's instrument file started one) before the scheduler
 * logs it.
 * @internal
 */
export function createJobScheduler(
  scheduler: SchedulerService,
  config: Config,
) {
  return async (job: ReadinessJob) => {
    const key = job.configKey && `readiness.schedules.${job.configKey}`;
    const schedule =
      key && config.has(key)
        ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
            config.getConfig(key),
          )
        : job.defaults;
    await scheduler.scheduleTask({
      id: job.id,
      ...schedule,
      ...(job.scope ? { scope: job.scope } : {}),
      fn: async () => {
        try {
          await job.run();
        } catch (error) {
          captureReadinessError(error, { operation: job.id });
          throw error;
        }
      },
    });
  };
}
