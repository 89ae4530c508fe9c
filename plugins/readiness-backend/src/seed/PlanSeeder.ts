import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { EvidenceInput, TaskStatus } from '@internal/plugin-readiness-common';
import fs from 'node:fs/promises';
import yaml from 'yaml';
import { z } from 'zod';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../service/ReadinessService';

const taskIds = z
  .array(z.union([z.string(), z.number()]).transform(String))
  .default([]);

/** Schema of a seed file: initial task states per service. @internal */
export const seedFileSchema = z
  .object({
    services: z.record(
      z.string(),
      z
        .object({
          done: taskIds,
          attested: taskIds,
          expired: taskIds,
          inProgress: taskIds,
          blocked: taskIds,
          notApplicable: taskIds,
        })
        .strict()
        .superRefine((lists, ctx) => {
          const seen = new Set<string>();
          for (const [list, ids] of Object.entries(lists)) {
            for (const id of ids) {
              if (seen.has(id)) {
                ctx.addIssue({
                  code: z.ZodIssueCode.custom,
                  path: [list],
                  message: `task ${id} is listed twice`,
                });
              }
              seen.add(id);
            }
          }
        }),
    ),
  })
  .strict();

const ACTOR = 'service:readiness-seed';
/** The demo's named CI principal: seeded proof goes through the same trust rules as CI's. */
const DEMO_CI = 'service:external:demo-ci';

/**
 * Applies initial task states from a YAML file (`readiness.seed.file`) through the same
 * service methods the API uses, once per service: a plan that already has task state is
 * left alone. Used by the demo app and to bulk-load plans kept elsewhere.
 * @internal
 */
export class PlanSeeder {
  constructor(
    private readonly deps: {
      file: string;
      service: ReadinessService;
      store: DatabaseReadinessStore;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  /** Returns the entity refs seeded in this run. */
  async run(): Promise<string[]> {
    const { service, store, auth, logger } = this.deps;
    const parsed = seedFileSchema.parse(
      yaml.parse(await fs.readFile(this.deps.file, 'utf8')),
    );
    const credentials = await auth.getOwnServiceCredentials();
    const seeded: string[] = [];
    for (const [rawRef, spec] of Object.entries(parsed.services)) {
      const ref = parseEntityRef(rawRef);
      const entityRef = stringifyEntityRef(ref);
      const existing = await store.getPlan(entityRef);
      if (existing && (await store.listTaskStates(entityRef)).length > 0)
        continue;
      const entity = await service
        .getEntity(ref, credentials)
        .catch(() => undefined);
      if (!entity) {
        logger.debug(`Seed: ${entityRef} is not in the catalog yet`);
        continue;
      }
      await service.registerEntity(entity);
      const now = Date.now();
      const setStatus = (taskId: string, status: TaskStatus) =>
        service.updateTask({
          entityRef,
          taskId,
          input: { expectedVersion: 0, status },
          actor: ACTOR,
        });
      const link = (taskId: string) =>
        `https://ci.example.com/${ref.name}/${taskId}`;

      // done = proven by the demo's bound CI principal 3 days ago; attested = a bare claim;
      // expired = CI proof too old to count.
      const doneKinds: Array<
        [string[], Omit<EvidenceInput, 'url'>, number, 'ci' | 'person']
      > = [
        [
          spec.done,
          { kind: 'link', summary: 'Verified in CI', source: 'manual' },
          3,
          'ci',
        ],
        [
          spec.attested,
          {
            kind: 'attestation',
            summary: 'Team says this is done',
            source: 'manual',
          },
          0,
          'person',
        ],
        [
          spec.expired,
          {
            kind: 'document',
            summary: 'Last verified long ago',
            source: 'manual',
          },
          400,
          'ci',
        ],
      ];
      for (const [ids, evidence, ageDays, producer] of doneKinds) {
        for (const taskId of ids) {
          await setStatus(taskId, 'done');
          await service.addEvidence({
            entityRef,
            taskId,
            actor: producer === 'ci' ? DEMO_CI : ACTOR,
            producer,
            input: {
              ...evidence,
              ...(evidence.kind === 'attestation' ? {} : { url: link(taskId) }),
            },
            recordedAt: new Date(now - ageDays * 86_400_000),
          });
        }
      }
      for (const taskId of spec.inProgress)
        await setStatus(taskId, 'in_progress');
      for (const taskId of spec.blocked) await setStatus(taskId, 'blocked');
      for (const taskId of spec.notApplicable)
        await setStatus(taskId, 'not_applicable');
      seeded.push(entityRef);
    }
    if (seeded.length)
      logger.info(`Seeded readiness plans for ${seeded.length} services`);
    return seeded;
  }
}
