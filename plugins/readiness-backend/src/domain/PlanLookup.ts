import { NotFoundError } from '@backstage/errors';
import { ReadinessTemplate } from '@prodready/plugin-readiness-common';
import { PlanRecord, PlanStore } from '../database/PlanStore';
import { TemplateRegistry } from '../templates/TemplateRegistry';

/** Plans, their pinned templates and tasks, or a 404 saying which is missing. @internal */
export class PlanLookup {
  constructor(
    private readonly deps: {
      plans: PlanStore;
      templates: TemplateRegistry;
    },
  ) {}

  /** The template a plan is pinned to (its snapshot, else the configured one by id). */
  templateOf(plan: PlanRecord): ReadinessTemplate {
    if (plan.templateSnapshot) return plan.templateSnapshot;
    const template = this.deps.templates.get(plan.templateId);
    if (!template) {
      throw new Error(
        `Plan ${plan.entityRef} uses unknown template "${plan.templateId}"`,
      );
    }
    return template;
  }

  /** The plan of `entityRef` (archived or not), or a NotFoundError. */
  async requirePlan(entityRef: string): Promise<PlanRecord> {
    const plan = await this.deps.plans.get(entityRef);
    if (!plan) {
      throw new NotFoundError(`${entityRef} has no readiness plan`);
    }
    return plan;
  }

  /** The plan, its template and the template's task `taskId`, or a NotFoundError. */
  async requireTask(entityRef: string, taskId: string) {
    const plan = await this.requirePlan(entityRef);
    const template = this.templateOf(plan);
    const task = template.phases
      .flatMap(p => p.tasks)
      .find(t => t.id === taskId);
    if (!task) {
      throw new NotFoundError(
        `Template "${template.id}" has no task "${taskId}"`,
      );
    }
    return { plan, template, task };
  }
}
