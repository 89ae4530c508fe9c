import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ReadinessCheck } from '@internal/plugin-readiness-node';
import { DatabaseReadinessStore } from '../database/DatabaseReadinessStore';
import { ReadinessService } from '../service/ReadinessService';

/** Check evidence lives this long unless refreshed, so a stopped checker cannot keep a score up. */
const CHECK_EVIDENCE_DAYS = 2;

/**
 * Runs the automatic checks named by template tasks (`verification: <check id>`) for every
 * active plan and records the outcome as evidence. Runs on the scheduler, never per view.
 * @internal
 */
export class CheckRunner {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      config: RootConfigService;
      store: DatabaseReadinessStore;
      service: ReadinessService;
      logger: LoggerService;
    },
    checks: ReadinessCheck[],
  ) {
    for (const c of checks) this.add(c);
  }

  add(check: ReadinessCheck) {
    if (this.checks.has(check.id)) {
      throw new Error(`Readiness check "${check.id}" is registered twice`);
    }
    this.checks.set(check.id, check);
  }

  ids(): string[] {
    return [...this.checks.keys()];
  }

  async run(now: Date = new Date()) {
    const { catalog, auth, store, service, logger, config } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const refs = await store.listActivePlanRefs();
    const counts = { passed: 0, failed: 0, unknown: 0, errors: 0 };
    for (let i = 0; i < refs.length; i += 100) {
      const batch = refs.slice(i, i + 100);
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: batch },
        { credentials },
      );
      for (const [j, entity] of items.entries()) {
        if (!entity) continue;
        const entityRef = batch[j];
        const { template, tasks } = await service.getPlanState(entityRef);
        const runbooks = await store.listRunbooks(entityRef);
        let changed = false;
        for (const task of template.phases.flatMap(p => p.tasks)) {
          const check = this.checks.get(task.verification);
          if (!check) continue;
          const actor = `check:${check.id}`;
          const state = tasks.find(t => t.taskId === task.id);
          let result;
          try {
            result = await check.run({
              entity,
              entityRef,
              runbooks,
              task,
              state,
              config,
              now,
            });
          } catch (error) {
            counts.errors += 1;
            logger.warn(
              `Readiness check ${check.id} failed for ${entityRef}: ${error}`,
            );
            continue;
          }
          counts[result.outcome] += 1;
          if (result.outcome === 'unknown') {
            logger.debug(
              `Readiness check ${check.id} for ${entityRef}: ${result.summary}`,
            );
            continue;
          }
          if (result.outcome === 'passed') {
            const days = Math.min(
              task.maxAgeDays ?? CHECK_EVIDENCE_DAYS,
              CHECK_EVIDENCE_DAYS,
            );
            await store.replaceCheckEvidence(entityRef, task.id, actor, {
              kind: 'check',
              summary: result.summary,
              ...(result.url ? { url: result.url } : {}),
              source: check.source,
              recordedAt: now.toISOString(),
              recordedBy: actor,
              expiresAt: new Date(
                now.getTime() + days * 86_400_000,
              ).toISOString(),
            });
            if (
              state?.status !== 'done' &&
              state?.status !== 'not_applicable'
            ) {
              await store.updateTask({
                entityRef,
                taskId: task.id,
                expectedVersion: state?.version ?? 0,
                actor,
                action: 'check.passed',
                patch: { status: 'done' },
              });
            }
            changed = true;
          } else {
            const removed = await store.replaceCheckEvidence(
              entityRef,
              task.id,
              actor,
              undefined,
            );
            // Only undo what the check itself did; a person's "done" stays (now unproven).
            if (state?.status === 'done' && state.updatedBy === actor) {
              await store.updateTask({
                entityRef,
                taskId: task.id,
                expectedVersion: state.version,
                actor,
                action: 'check.failed',
                patch: { status: 'todo', notes: result.summary },
              });
              changed = true;
            }
            changed = changed || removed > 0;
          }
        }
        if (changed) await service.recompute(entityRef, 'automatic checks');
      }
    }
    return counts;
  }
}
