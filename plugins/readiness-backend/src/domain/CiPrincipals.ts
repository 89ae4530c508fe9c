import { Config } from '@backstage/config';
import { normalizeRef, normalizeRefs } from '../database/refs';

/** One `readiness.ci.principals[]` entry: a service principal and what it may prove. */
interface Binding {
  subject: string;
  entities: string[];
  owners: string[];
  systems: string[];
  tasks: string[];
}

/** The plan fields a binding selects on. */
export interface BoundPlan {
  entityRef: string;
  owner?: string;
  system?: string;
}

const lower = (values: string[] | undefined) => normalizeRefs(values ?? []);

/**
 * Service principals (CI tokens) bound in config to the entities and tasks they may prove.
 * Their evidence is `verified`; anything outside their binding is refused. A subject is
 * matched as written; an `external:` prefix on the principal's subject is ignored.
 * @internal
 */
export class CiPrincipals {
  static fromConfig(config: Config): CiPrincipals {
    return new CiPrincipals(
      (config.getOptionalConfigArray('readiness.ci.principals') ?? []).map(
        c => ({
          subject: c.getString('subject'),
          entities: lower(c.getOptionalStringArray('entities')),
          owners: lower(c.getOptionalStringArray('owners')),
          systems: lower(c.getOptionalStringArray('systems')),
          tasks: c.getStringArray('tasks'),
        }),
      ),
    );
  }

  constructor(private readonly bindings: Binding[]) {}

  private bindingsOf(subject: string, plan: BoundPlan) {
    const ref = normalizeRef(plan.entityRef);
    return this.bindings.filter(
      b =>
        (b.subject === subject || `external:${b.subject}` === subject) &&
        (b.entities.includes(ref) ||
          (plan.owner !== undefined &&
            b.owners.includes(normalizeRef(plan.owner))) ||
          (plan.system !== undefined &&
            b.systems.includes(normalizeRef(plan.system)))),
    );
  }

  /** Whether `subject` is bound to the plan at all (it may then read it and its gate). */
  mayRead(subject: string, plan: BoundPlan): boolean {
    return this.bindingsOf(subject, plan).length > 0;
  }

  /** Whether `subject` may record verified evidence on this plan's task. */
  mayProve(subject: string, plan: BoundPlan, taskId: string): boolean {
    return this.bindingsOf(subject, plan).some(
      b => b.tasks.includes('*') || b.tasks.includes(taskId),
    );
  }
}
