import {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ReadinessCheck,
  ReadinessCheckResult,
} from '@prodready/plugin-readiness-node';
import { CheckRun } from '@prodready/plugin-readiness-common';
import { ReadinessService } from '../domain/ReadinessService';
import { CheckResult } from '../domain/Rescoring';

/** Check evidence lives this long unless refreshed, so a stopped checker cannot keep a score up. */
const CHECK_EVIDENCE_DAYS = 2;

const checkRun = (
  taskId: string,
  check: ReadinessCheck,
  result: ReadinessCheckResult,
  now: Date,
): CheckRun => ({
  taskId,
  checkId: check.id,
  checkTitle: check.title,
  outcome: result.outcome,
  summary: result.summary,
  ...('url' in result && result.url ? { url: result.url } : {}),
  ranAt: now.toISOString(),
});

/**
 * The check engine: runs the automatic checks named by template tasks (`verification:
 * <check id>`) for every active plan and records the outcome as evidence through the
 * service's commands. Runs from the scheduled jobs (`CheckJob`, `RegistrationJob`), never
 * per view.
 * @internal
 */
export class CheckRunner {
  private readonly checks = new Map<string, ReadinessCheck>();

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      config: RootConfigService;
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

  /**
   * Runs the checks of plans registered or changed since the last call (a new service gets
   * its first checks within the minute instead of waiting for the hourly run).
   */
  async runPending(now: Date = new Date()) {
    const refs = this.deps.service.takePendingChecks();
    if (refs.length === 0) {
      return { passed: 0, failed: 0, unknown: 0, errors: 0 };
    }
    return this.run(now, refs);
  }

  /** Runs the checks of `refs`, or of every active plan. */
  async run(now: Date = new Date(), only?: string[]) {
    const { catalog, auth, service, logger, config } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const refs = only ?? (await service.checkTargets());
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
        const { template, tasks, runbooks } = await service.checkInputs(
          entityRef,
        );
        const results: CheckResult[] = [];
        const runs: CheckRun[] = [];
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
              template,
              tasks,
              config,
              now,
            });
          } catch (error) {
            counts.errors += 1;
            logger.warn(
              `Readiness check ${check.id} failed for ${entityRef}: ${error}`,
            );
            result = {
              outcome: 'unknown' as const,
              summary: `The check failed to run: ${String(error).slice(
                0,
                200,
              )}`,
            };
            runs.push(checkRun(task.id, check, result, now));
            continue;
          }
          counts[result.outcome] += 1;
          runs.push(checkRun(task.id, check, result, now));
          if (result.outcome === 'unknown') {
            logger.debug(
              `Readiness check ${check.id} for ${entityRef}: ${result.summary}`,
            );
            continue;
          }
          const hadEvidence = state?.evidence.some(e => e.recordedBy === actor);
          // A failing check on a task nobody calls done, with nothing to take back, changes
          // nothing (no row per failing check per plan).
          if (
            result.outcome === 'failed' &&
            !hadEvidence &&
            state?.status !== 'done'
          ) {
            continue;
          }
          const days = Math.min(
            task.maxAgeDays ?? CHECK_EVIDENCE_DAYS,
            CHECK_EVIDENCE_DAYS,
          );
          results.push({
            taskId: task.id,
            actor,
            outcome: result.outcome,
            evidence: {
              kind: 'check',
              summary: result.summary,
              ...(result.url ? { url: result.url } : {}),
              source: check.source,
              recordedAt: now.toISOString(),
              recordedBy: actor,
              expiresAt: new Date(
                now.getTime() + days * 86_400_000,
              ).toISOString(),
              // A check that only reads what the team declared cannot prove more than they do.
              // A result may lower its check's trust, never raise it.
              trust:
                check.trust === 'claimed' ||
                (result.outcome === 'passed' && result.trust === 'claimed')
                  ? 'claimed'
                  : 'verified',
            },
          });
        }
        await service.recordCheckRuns(entityRef, runs, results);
      }
    }
    return counts;
  }
}
