import { InputError, NotAllowedError } from '@backstage/errors';
import { ExemptionInput } from '@prodready/plugin-readiness-common';
import { TaskStore } from '../database/TaskStore';
import { CatalogAccess } from './CatalogAccess';
import { CommandLayer } from './CommandLayer';
import { PlanLookup } from './PlanLookup';
import { checkNotOwnerGroup } from './secondPerson';

/**
 * Exemption commands: an owner requests one, a second person outside the owning group
 * grants it for a capped time, anyone allowed revokes it.
 * @internal
 */
export class ExemptionCommands {
  constructor(
    private readonly deps: {
      tasks: TaskStore;
      catalog: CatalogAccess;
      commands: CommandLayer;
      plans: PlanLookup;
      /** `readiness.exemptions.maxDays` (90). */
      maxExemptionDays: number;
      /** `readiness.exemptions.allowOwnerGroup`: the owning group may grant its own. */
      ownerGroupMayApprove: boolean;
    },
  ) {}

  /**
   * Grants a pending exemption request (accepted risk, or "not applicable"). The approver
   * is neither the requester nor, unless `readiness.exemptions.allowOwnerGroup`, in the
   * owning group; the duration is capped by `readiness.exemptions.maxDays` (90).
   */
  async setExemption(options: {
    entityRef: string;
    taskId: string;
    input: ExemptionInput;
    approver: string;
    approverOwnership: string[];
    now?: Date;
  }) {
    const { entityRef, taskId, input, approver } = options;
    const now = options.now ?? new Date();
    const expiresAt = new Date(input.expiresAt);
    this.checkExemptionWindow(expiresAt, now);
    const { plan } = await this.deps.plans.requireTask(entityRef, taskId);
    const state = (await this.deps.tasks.list(entityRef)).find(
      t => t.taskId === taskId,
    );
    const request = state?.exemptionRequest;
    if (!request) {
      throw new InputError(
        `Invalid request: task ${taskId} has no pending exemption request; the owner asks first`,
      );
    }
    if (request.requestedBy === approver) {
      throw new NotAllowedError(
        'You may not approve an exemption you requested',
      );
    }
    await checkNotOwnerGroup(
      this.deps.catalog,
      plan,
      options.approverOwnership,
      this.deps.ownerGroupMayApprove,
      'approve exemptions of a service your group owns',
    );
    return this.deps.commands.writeTask(
      entityRef,
      taskId,
      input.expectedVersion,
      approver,
      'exemption.add',
      {
        exemptionRequest: null,
        exemption: {
          reason: request.reason,
          comment: input.reason,
          approvedBy: approver,
          requestedBy: request.requestedBy,
          createdAt: now.toISOString(),
          expiresAt: expiresAt.toISOString(),
          ...(request.notApplicable ? { notApplicable: true } : {}),
        },
      },
    );
  }

  /** An owner asks for an exemption; it counts for nothing until an approver grants it. */
  async requestExemption(options: {
    entityRef: string;
    taskId: string;
    input: ExemptionInput;
    actor: string;
    now?: Date;
  }) {
    const { entityRef, taskId, input, actor } = options;
    const now = options.now ?? new Date();
    this.checkExemptionWindow(new Date(input.expiresAt), now);
    const { task } = await this.deps.plans.requireTask(entityRef, taskId);
    if (input.notApplicable && task.severity === 'p0') {
      throw new InputError(
        `Invalid request: notApplicable: task ${taskId} is a P0 and cannot be marked not applicable`,
      );
    }
    return this.deps.commands.writeTask(
      entityRef,
      taskId,
      input.expectedVersion,
      actor,
      'exemption.request',
      {
        exemptionRequest: {
          reason: input.reason,
          ...(input.notApplicable ? { notApplicable: true } : {}),
          expiresAt: new Date(input.expiresAt).toISOString(),
          requestedBy: actor,
          requestedAt: now.toISOString(),
        },
      },
    );
  }

  /** Removes a granted exemption at `expectedVersion`. */
  async revokeExemption(options: {
    entityRef: string;
    taskId: string;
    expectedVersion: number;
    actor: string;
  }) {
    const { entityRef, taskId, expectedVersion, actor } = options;
    await this.deps.plans.requireTask(entityRef, taskId);
    return this.deps.commands.writeTask(
      entityRef,
      taskId,
      expectedVersion,
      actor,
      'exemption.revoke',
      {
        exemption: null,
      },
    );
  }

  private checkExemptionWindow(expiresAt: Date, now: Date) {
    const { maxExemptionDays } = this.deps;
    if (expiresAt.getTime() <= now.getTime()) {
      throw new InputError('Invalid request: expiresAt: must be in the future');
    }
    if (expiresAt.getTime() > now.getTime() + maxExemptionDays * 86_400_000) {
      throw new InputError(
        `Invalid request: expiresAt: an exemption lasts at most ${maxExemptionDays} days`,
      );
    }
  }
}
