import { ConfigReader } from '@backstage/config';
import { createJobScheduler } from './scheduleJob';

describe('createJobScheduler', () => {
  const scheduled: any[] = [];
  const scheduler = {
    scheduleTask: async (task: any) => {
      scheduled.push(task);
    },
  } as any;

  it('takes readiness.schedules.<configKey> over the defaults, and keeps the scope', async () => {
    const scheduleJob = createJobScheduler(
      scheduler,
      new ConfigReader({
        readiness: {
          schedules: {
            checks: { frequency: { seconds: 10 }, timeout: { minutes: 1 } },
          },
        },
      }),
    );
    const run = jest.fn(async () => {});
    await scheduleJob({
      id: 'readiness-checks',
      configKey: 'checks',
      defaults: { frequency: { hours: 1 }, timeout: { minutes: 30 } },
      run,
    });
    await scheduleJob({
      id: 'readiness-registration',
      configKey: 'registration',
      defaults: { frequency: { seconds: 30 }, timeout: { minutes: 5 } },
      scope: 'local',
      run,
    });
    expect(scheduled.map(({ fn, ...t }) => t)).toEqual([
      {
        id: 'readiness-checks',
        frequency: { seconds: 10 },
        timeout: { minutes: 1 },
      },
      {
        id: 'readiness-registration',
        frequency: { seconds: 30 },
        timeout: { minutes: 5 },
        scope: 'local',
      },
    ]);
    await scheduled[0].fn();
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("passes a job's failure on to the scheduler", async () => {
    const scheduleJob = createJobScheduler(scheduler, new ConfigReader({}));
    await scheduleJob({
      id: 'readiness-broken',
      defaults: { frequency: { hours: 1 }, timeout: { minutes: 1 } },
      run: async () => {
        throw new Error('boom');
      },
    });
    await expect(scheduled[scheduled.length - 1].fn()).rejects.toThrow('boom');
  });
});
