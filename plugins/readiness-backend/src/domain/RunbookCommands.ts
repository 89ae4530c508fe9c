import { NotFoundError } from '@backstage/errors';
import { RunbookInput, RunbookPatch } from '@prodready/plugin-readiness-common';
import { CommandLayer } from './CommandLayer';
import { PlanLookup } from './PlanLookup';

/** Runbook link commands: add, change and delete the links people keep on a plan. @internal */
export class RunbookCommands {
  constructor(
    private readonly deps: { commands: CommandLayer; plans: PlanLookup },
  ) {}

  /** Adds a runbook link to the plan. */
  async addRunbook(entityRef: string, input: RunbookInput, actor: string) {
    await this.deps.plans.requirePlan(entityRef);
    const { result } = await this.deps.commands.command(
      entityRef,
      'runbook added',
      store => store.runbooks.add(entityRef, input, actor),
    );
    return result;
  }

  /** Changes a runbook link, or a NotFoundError when the plan has no link `id`. */
  async updateRunbook(
    entityRef: string,
    id: string,
    patch: RunbookPatch,
    actor: string,
  ) {
    await this.deps.plans.requirePlan(entityRef);
    const { result: link } = await this.deps.commands.command(
      entityRef,
      'runbook changed',
      store => store.runbooks.update(entityRef, id, patch, actor),
    );
    if (!link)
      throw new NotFoundError(`${entityRef} has no runbook link ${id}`);
    return link;
  }

  /** Deletes a runbook link, or a NotFoundError when the plan has no link `id`. */
  async deleteRunbook(entityRef: string, id: string, actor: string) {
    await this.deps.plans.requirePlan(entityRef);
    const { result: deleted } = await this.deps.commands.command(
      entityRef,
      'runbook deleted',
      store => store.runbooks.delete(entityRef, id, actor),
    );
    if (!deleted) {
      throw new NotFoundError(`${entityRef} has no runbook link ${id}`);
    }
  }
}
