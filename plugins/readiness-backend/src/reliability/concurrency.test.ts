import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { readinessPlugin } from '../plugin';
import { createTestDatabases } from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(120_000);

const WRITERS = 50;
const base = '/api/readiness/entities/component/default/payments';

describe('no lost updates', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    `${WRITERS} concurrent writers: each write lands or gets 409, and the stored state is exactly the accepted writes, %p`,
    async id => {
      const knex = await databases.init(id);
      const { server } = await startTestBackend({
        features: [
          readinessPlugin,
          mockServices.database.factory({ knex }),
          catalogServiceMock.factory({
            entities: [component('payments', 'payments-team', 'pay')],
          }),
        ],
      });
      // Reads never register a plan; a first write does (here a no-op template upgrade).
      await request(server).post(`${base}/upgrade`).send({}).expect(200);

      // Every writer reads the task, then tries to tick its own checklist-free note slot:
      // each writer appends its id to the notes it read.
      const accepted: number[] = [];
      let conflicts = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, i) => {
          for (let attempt = 0; attempt < 3; attempt++) {
            const plan = await request(server).get(base);
            const task = plan.body.tasks.find((t: any) => t.taskId === '2.3');
            const notes = task?.notes ? `${task.notes},${i}` : `${i}`;
            const res = await request(server)
              .patch(`${base}/tasks/2.3`)
              .send({ expectedVersion: task?.version ?? 0, notes });
            if (res.status === 200) {
              accepted.push(i);
              return;
            }
            expect(res.status).toBe(409);
            expect(res.body.current.taskId).toBe('2.3');
            conflicts += 1;
          }
        }),
      );

      const final = (await request(server).get(base)).body.tasks.find(
        (t: any) => t.taskId === '2.3',
      );
      // Lost updates would show up as a version or notes list shorter than the accepted writes.
      expect(final.version).toBe(accepted.length);
      expect(
        final.notes
          .split(',')
          .map(Number)
          .sort((a: number, b: number) => a - b),
      ).toEqual([...accepted].sort((a, b) => a - b));
      const log = await knex('readiness_change_log').where({
        task_id: '2.3',
        action: 'task.update',
      });
      expect(log).toHaveLength(accepted.length);
      expect(accepted.length).toBeGreaterThan(0);
      expect(conflicts).toBeGreaterThan(0);
      // Notes do not move the score: no snapshot beyond registration.
      const history = await request(server).get(`${base}/history`);
      expect(history.body.items.map((h: any) => h.reason)).toEqual([
        'registered',
      ]);
      // eslint-disable-next-line no-console
      console.log(
        `concurrency: ${WRITERS} writers, ${accepted.length} accepted, ${conflicts} conflicts (409)`,
      );
    },
  );
});
