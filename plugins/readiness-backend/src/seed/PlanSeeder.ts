import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { EvidenceInput, TaskStatus } from '@prodready/plugin-readiness-common';
import fs from 'node:fs/promises';
import yaml from 'yaml';
import { z } from 'zod';
import { ReadinessService } from '../domain/ReadinessService';
import { CiPrincipals } from '../domain/CiPrincipals';

const taskIds = z
  .array(z.union([z.string(), z.number()]).transform(String))
  .default([]);

/** Schema of a seed file: initial task states per service. @internal */
const seedFileSchema = z
  .object({
    services: z.record(
      z.string(),
      z
        .object({
          done: taskIds,
          attested: taskIds,
          claimed: taskIds,
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
/**
 * The demo's named CI principal: seeded proof is recorded as this principal and only where
 * `readiness.ci.principals` binds it, so the demo shows the real trust model.
 */
const DEMO_CI_SUBJECT = 'demo-ci';
const DEMO_CI = `service:${DEMO_CI_SUBJECT}`;
/** The demo's approver of seeded "not applicable" requests: an SRE outside every owning team. */
const DEMO_APPROVER = 'user:default/sre-lead';

/**
 * Applies initial task states from a YAML file (`readiness.seed.file`) through the same
 * service methods the API uses, once per service: a plan seeded before or changed by a
 * person is left alone (automatic checks and bound principals may have run first). Used by the demo app and to bulk-load plans kept elsewhere.
 * @internal
 */
export class PlanSeeder {
  constructor(
    private readonly deps: {
      file: string;
      service: ReadinessService;
      auth: AuthService;
      logger: LoggerService;
      ciPrincipals: CiPrincipals;
    },
  ) {}

  /** Returns the entity refs seeded in this run. */
  async run(): Promise<string[]> {
    const { service, auth, logger } = this.deps;
    const parsed = seedFileSchema.parse(
      yaml.parse(await fs.readFile(this.deps.file, 'utf8')),
    );
    const credentials = await auth.getOwnServiceCredentials();
    const seeded: string[] = [];
    for (const [rawRef, spec] of Object.entries(parsed.services)) {
      const ref = parseEntityRef(rawRef);
      const entityRef = stringifyEntityRef(ref);
      // Seeded already, or touched by anyone but the machines (checks and bound principals
      // may run before the seed does): left alone.
      const existing = await service.getPlanState(entityRef).catch(error => {
        if (isError(error) && error.name === 'NotFoundError') return undefined;
        throw error;
      });
      if (
        existing?.tasks.some(
          t =>
            t.updatedBy === ACTOR ||
            t.updatedBy === DEMO_CI ||
            !/^(check|service):/.test(t.updatedBy ?? ''),
        )
      )
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
      // Checks and bound principals may have written the plan first: apply over their version.
      const versionOf = async (taskId: string) =>
        (await service.getPlanState(entityRef)).tasks.find(
          t => t.taskId === taskId,
        )?.version ?? 0;
      const setStatus = async (taskId: string, status: TaskStatus) =>
        service.updateTask({
          entityRef,
          taskId,
          input: { expectedVersion: await versionOf(taskId), status },
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
      const plan = (await service.getPlanSummary(entityRef))!;
      for (const [ids, evidence, ageDays, producer] of doneKinds) {
        for (const taskId of ids) {
          await setStatus(taskId, 'done');
          if (
            producer === 'ci' &&
            !this.deps.ciPrincipals.mayProve(DEMO_CI_SUBJECT, plan, taskId)
          ) {
            logger.warn(
              `Seed: ${DEMO_CI_SUBJECT} is not bound to ${entityRef} task ${taskId} in readiness.ci.principals; left as a claim`,
            );
            continue;
          }
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
      // A person's document awaiting a second person's review (the review queue).
      for (const taskId of spec.claimed) {
        await setStatus(taskId, 'done');
        await service.addEvidence({
          entityRef,
          taskId,
          actor: ACTOR,
          producer: 'person',
          input: {
            kind: 'document',
            url: `https://docs.example.com/${ref.name}/${taskId}`,
            summary: 'Team write-up, awaiting review',
            source: 'manual',
          },
        });
      }
      // Not applicable is an exemption: asked by the team, granted by someone else.
      for (const taskId of spec.notApplicable) {
        const expiresAt = new Date(now + 60 * 86_400_000).toISOString();
        const asked = await service.requestExemption({
          entityRef,
          taskId,
          actor: ACTOR,
          input: {
            expectedVersion: await versionOf(taskId),
            reason: 'Does not apply to this service',
            expiresAt,
            notApplicable: true,
          },
        });
        await service.setExemption({
          entityRef,
          taskId,
          approver: DEMO_APPROVER,
          approverOwnership: [DEMO_APPROVER, 'group:default/sre-team'],
          input: {
            expectedVersion: asked.task.version,
            reason: 'Agreed for the demo',
            expiresAt,
          },
        });
      }
      seeded.push(entityRef);
    }
    if (seeded.length)
      logger.info(`Seeded readiness plans for ${seeded.length} services`);
    return seeded;
  }
}
