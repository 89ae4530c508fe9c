import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { EntityReadModel } from './EntityReadModel';

/** What a CI pipeline asks of the gate. @internal */
export interface GateQuery {
  minScore: number;
  minStage?: number;
  allowAtRisk: boolean;
  allowExpired: boolean;
  requireDependencies?: boolean;
}

/**
 * The deployment gate: does a service meet `minScore` with no blockers? Evaluated now,
 * from the same read a person gets, so expired evidence counts before the re-evaluation.
 * @internal
 */
export class Gate {
  constructor(private readonly deps: { reads: EntityReadModel }) {}

  /**
   * Answers a CI pipeline: does the service meet `minScore` with no blockers? Evaluated
   * now, so expired evidence counts even before the scheduled re-evaluation.
   */
  async gate(
    ref: CompoundEntityRef,
    query: GateQuery,
    credentials: BackstageCredentials,
  ) {
    const { entityRef, score, dependencies } =
      await this.deps.reads.getEntityReadiness(ref, credentials);
    const reasons: string[] = [];
    const notReady = (dependencies ?? []).filter(d => d.status === 'not_ready');
    if (query.requireDependencies) {
      for (const d of notReady)
        reasons.push(`depends on not-ready ${d.entityRef} (${d.overall})`);
    }
    if (score.blockers.length) {
      reasons.push(
        `${score.blockers.length} open P0 blocker(s): ${score.blockers
          .map(b => `${b.taskId} ${b.title}`)
          .join('; ')}`,
      );
    }
    if (score.overall < query.minScore) {
      reasons.push(
        `score ${score.overall} is below the required ${query.minScore}`,
      );
    }
    const minStage = query.minStage ?? 0;
    if (score.stage.reached < minStage) {
      reasons.push(
        `stage ${score.stage.reached} of ${
          score.stage.of
        } is below the required ${minStage}${
          score.stage.title ? ` (last phase proven: ${score.stage.title})` : ''
        }`,
      );
    }
    if (score.status === 'not_ready' && !score.blockers.length) {
      reasons.push('status is not_ready');
    }
    if (score.status === 'at_risk' && !query.allowAtRisk) {
      reasons.push('status is at_risk (pass allowAtRisk=true to accept it)');
    }
    // A machine's "no" is not stale proof: allowExpired does not waive it.
    const refuted = score.tasks.filter(t => t.refuted).map(t => t.taskId);
    if (refuted.length) {
      reasons.push(
        `${
          refuted.length
        } task(s) failed an automatic check after their last proof: ${refuted.join(
          ', ',
        )}`,
      );
    }
    const expired = score.counts.expired - refuted.length;
    if (expired > 0 && !query.allowExpired) {
      reasons.push(
        `${expired} task(s) rest on expired evidence (pass allowExpired=true to accept it)`,
      );
    }
    return {
      entityRef,
      pass: reasons.length === 0,
      score: score.overall,
      status: score.status,
      blockers: score.blockers,
      expired: score.counts.expired,
      minScore: query.minScore,
      stage: score.stage,
      minStage,
      notReadyDependencies: notReady.map(d => d.entityRef),
      requireDependencies: query.requireDependencies ?? false,
      allowAtRisk: query.allowAtRisk,
      allowExpired: query.allowExpired,
      reasons,
    };
  }
}
