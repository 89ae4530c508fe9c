import { CheckRun } from '@prodready/plugin-readiness-common';
import { PlanStore } from '../database/PlanStore';
import { RunbookStore } from '../database/RunbookStore';
import { TaskStore } from '../database/TaskStore';
import { CommandLayer } from './CommandLayer';
import { PlanLookup } from './PlanLookup';
import { CheckResult, Rescoring } from './Rescoring';

/**
 * The domain side of the automatic checks: which plans they cover, what they see of a
 * plan, and recording what they found (the last run of each check, and its outcomes as
 * evidence and status in one command).
 * @internal
 */
export class CheckCommands {
  constructor(
    private readonly deps: {
      planStore: PlanStore;
      tasks: TaskStore;
      runbooks: RunbookStore;
      commands: CommandLayer;
      plans: PlanLookup;
      rescoring: Rescoring;
    },
  ) {}

  /** The active (not archived) plans the scheduled checks run over. */
  targets(): Promise<string[]> {
    return this.deps.planStore.listActiveRefs();
  }

  /** What a check sees of a plan: its pinned template, task states and runbook links. */
  async inputs(entityRef: string) {
    const { plans, tasks, runbooks } = this.deps;
    const plan = await plans.requirePlan(entityRef);
    return {
      plan,
      template: plans.templateOf(plan),
      tasks: await tasks.list(entityRef),
      runbooks: await runbooks.list(entityRef),
    };
  }

  /**
   * Records the last run of each check on the plan's tasks (tasks no check ran this time
   * lose their old line), then applies the outcomes that change the plan in one command.
   */
  async record(entityRef: string, runs: CheckRun[], results: CheckResult[]) {
    await this.deps.commands.refresh(store =>
      store.checkRuns.record(entityRef, runs),
    );
    return this.deps.rescoring.applyCheckResults(entityRef, results);
  }
}
