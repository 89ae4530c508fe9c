import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { readinessPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(90_000);

/** A logger that records which replica logged what. */
function recordingLogger(replica: string, lines: string[]) {
  const make = (): any => ({
    info: (m: string) => lines.push(`${replica} ${m}`),
    warn: () => {},
    error: () => {},
    debug: () => {},
    child: () => make(),
  });
  return createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => make(),
  });
}

describe('two replicas on one Postgres', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'run each scheduled re-evaluation once per interval and serve the same data, %p',
    async id => {
      const knex = await databases.init(id);
      const lines: string[] = [];
      const entities = [component('payments', 'payments-team', 'pay')];
      const replica = async (name: string) =>
        (
          await startTestBackend({
            features: [
              readinessPlugin,
              mockServices.database.factory({ knex }),
              catalogServiceMock.factory({ entities }),
              schedulerServiceFactory,
              recordingLogger(name, lines),
              mockServices.rootConfig.factory({
                data: {
                  readiness: {
                    schedules: {
                      reevaluate: {
                        frequency: { seconds: 2 },
                        timeout: { seconds: 30 },
                        initialDelay: { seconds: 0 },
                      },
                      checks: {
                        frequency: { hours: 1 },
                        timeout: { minutes: 1 },
                        initialDelay: { hours: 1 },
                      },
                    },
                  },
                },
              }),
            ],
          })
        ).server;
      // Started one after the other, as a rolling deploy does: two Backstage backends starting
      // at the same instant on an empty database race in the scheduler's own knex migrations
      // (knex/knex#3457, backstage/charts#300), which is upstream of this plugin. Our own
      // migrations retry that race (DatabaseReadinessStore.create).
      const a = await replica('A');
      const b = await replica('B');
      const base = '/api/readiness/entities/component/default/payments';

      // A write on one replica is read on the other.
      await request(a).get(base).expect(200);
      await request(a)
        .patch(`${base}/tasks/1.2`)
        .send({ expectedVersion: 0, status: 'in_progress' })
        .expect(200);
      const onB = await request(b).get(base);
      expect(onB.body.tasks.find((t: any) => t.taskId === '1.2')).toMatchObject(
        { status: 'in_progress', version: 1 },
      );

      const started = Date.now();
      await new Promise(r => setTimeout(r, 9_000));
      const seconds = (Date.now() - started) / 1000;
      const runs = lines.filter(l =>
        l.includes('Re-evaluated readiness plans'),
      );
      // Both replicas schedule the task every 2 s; the scheduler's lock lets one run per interval
      // (without it the two would make about twice as many runs).
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs.length).toBeLessThanOrEqual(Math.ceil(seconds / 2) + 2);
      // Neither the in-progress update nor re-evaluating an unchanged plan moves the score,
      // so however often either replica evaluated, the history holds one snapshot.
      const history = await knex('readiness_score_snapshots')
        .orderBy('id')
        .pluck('reason');
      expect(history).toEqual(['registered']);
      // eslint-disable-next-line no-console
      console.log(
        `replicas: ${runs.length} re-evaluations in ${seconds.toFixed(
          1,
        )} s across two replicas (${
          runs.filter(r => r.startsWith('A')).length
        } on A, ${runs.filter(r => r.startsWith('B')).length} on B)`,
      );
    },
  );
});
