import { mockServices } from '@backstage/backend-test-utils';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { PlanSeeder } from './PlanSeeder';
import { CiPrincipals } from '../domain/CiPrincipals';
import {
  createTestDatabases,
  databaseServiceFor,
} from '../__testUtils__/testDatabase';
import { component } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

describe('PlanSeeder', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'applies a seed once per service through the service layer, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await DatabaseReadinessStore.create({
        database: databaseServiceFor(knex),
      });
      const catalog = catalogServiceMock({
        entities: [component('payments', 'payments-team', 'pay')],
      });
      const auth = mockServices.auth();
      const logger = mockServices.logger.mock();
      const service = new ReadinessService({
        store,
        templates: TemplateRegistry.fromConfig(new ConfigReader({})),
        catalog,
        auth,
        logger,
        config: new ConfigReader({}),
        cache: CacheManager.fromConfig(new ConfigReader({})).forPlugin(
          'readiness',
        ),
      });
      const file = path.join(
        fs.mkdtempSync(path.join(os.tmpdir(), 'seed-')),
        'seed.yaml',
      );
      fs.writeFileSync(
        file,
        "services:\n  component:default/payments:\n    done: ['1.1', '2.1']\n    attested: ['1.2']\n    claimed: ['1.4']\n    expired: ['3.2']\n    blocked: ['5.1']\n    notApplicable: ['4.2']\n  component:default/missing:\n    done: ['1.1']\n",
      );
      // The demo CI principal proves only what it is bound to: 2.1 stays a claim.
      const ciPrincipals = new CiPrincipals([
        {
          subject: 'demo-ci',
          entities: ['component:default/payments'],
          owners: [],
          systems: [],
          tasks: ['1.1', '3.2'],
        },
      ]);
      const seeder = new PlanSeeder({
        file,
        service,
        auth,
        logger,
        ciPrincipals,
      });
      // An automatic check that ran before the seed does not keep the seed out.
      await service.registerEntity(
        component('payments', 'payments-team', 'pay'),
      );
      await service.recordCheckRuns(
        'component:default/payments',
        [],
        [
          {
            taskId: '1.1',
            actor: 'check:catalog-owner-set',
            outcome: 'passed',
            evidence: {
              kind: 'check',
              summary: 'owned',
              source: 'catalog',
              recordedAt: new Date().toISOString(),
              recordedBy: 'check:catalog-owner-set',
              trust: 'verified',
            },
          },
        ],
      );
      expect(await seeder.run()).toEqual(['component:default/payments']);
      expect(await seeder.run()).toEqual([]);

      const { score } = await service.getEntityReadiness(
        { kind: 'component', namespace: 'default', name: 'payments' },
        await auth.getOwnServiceCredentials(),
      );
      const kind = (taskId: string) =>
        score.tasks.find(t => t.taskId === taskId)!.kind;
      expect(
        ['1.1', '2.1', '1.2', '1.4', '3.2', '5.1', '4.2'].map(kind),
      ).toEqual([
        'proven',
        'attested',
        'attested',
        'attested',
        'expired',
        'open',
        'not_applicable',
      ]);

      fs.writeFileSync(
        file,
        "services:\n  component:default/payments:\n    done: ['1.1']\n    blocked: ['1.1']\n",
      );
      await expect(seeder.run()).rejects.toThrow('task 1.1 is listed twice');
    },
  );
});
