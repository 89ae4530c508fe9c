import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  EntityInitiative,
  Initiative,
  InitiativeDetail,
  InitiativeSummary,
  initiativeMilestone,
  initiativeState,
} from '@prodready/plugin-readiness-common';
import {
  InitiativeStore,
  StoredInitiative,
} from '../../database/InitiativeStore';
import { ReadinessNotifier } from '../../notify/ReadinessNotifier';
import { parseDefinition, readInitiativeConfig } from './initiativeConfig';
import { toCsv, toMarkdown } from './initiativeExport';
import { dayOf, lackingOf, progressOf } from './initiativeProgress';
import { normalizeRef } from '../../database/refs';

export { taskIdsOf } from './initiativeConfig';

/**
 * Initiatives (campaigns): definitions from `readiness.initiatives` / `readiness.initiativeFiles`
 * and from admins, each one's progress from the stored scores (within the caller's catalog
 * view), the daily burn-up point and the deadline reminders.
 * @internal
 */
export class InitiativeService {
  constructor(
    private readonly deps: {
      store: InitiativeStore;
      /** The entity refs the caller may see, or undefined for all. */
      visibleRefs: (
        credentials: BackstageCredentials,
      ) => Promise<string[] | undefined>;
      notifier?: ReadinessNotifier;
      logger: LoggerService;
      /** Initiatives defined as code; kept in the store by `start`. */
      definitions?: Initiative[];
      /** The task ids of the templates: a goal naming another is refused. */
      knownTasks?: Set<string>;
    },
  ) {}

  /**
   * Reads `readiness.initiatives` (a list of definitions) and `readiness.initiativeFiles`
   * (YAML files, each one definition or a list); throws naming the entry and field at fault.
   */
  static readConfig(
    config: Config,
    options: { baseDir?: string; knownTasks?: Set<string> } = {},
  ): Initiative[] {
    return readInitiativeConfig(config, options);
  }

  /**
   * Brings the stored config-defined initiatives in step with the config. A config entry
   * whose id an admin already used through the API is skipped (and logged): it would
   * silently replace the admin's definition.
   */
  async start() {
    const api = new Set(
      (await this.deps.store.list())
        .filter(i => i.source === 'api')
        .map(i => i.definition.id),
    );
    const definitions = (this.deps.definitions ?? []).filter(d => {
      if (!api.has(d.id)) return true;
      this.deps.logger.error(
        `Initiative ${d.id} in config is skipped: an admin defined ${d.id} through the API; rename one of them`,
      );
      return false;
    });
    await this.deps.store.replaceConfig(definitions);
    for (const d of definitions) await this.rememberMembers(d);
  }

  /** Services covered now join the initiative's members; members that left stay. */
  private async rememberMembers(initiative: Initiative, now = new Date()) {
    if (dayOf(now) > initiative.deadline) return;
    const covered = await this.deps.store.covered(initiative.selection);
    await this.deps.store.rememberMembers(
      initiative.id,
      covered.map(c => c.entityRef),
      now,
    );
  }

  private summary(
    stored: StoredInitiative,
    progress: { services: number; met: number },
    now: Date,
  ): InitiativeSummary {
    return {
      ...stored.definition,
      source: stored.source,
      state: initiativeState(stored.definition, progress, now),
      progress,
    };
  }

  /** Every initiative with its progress over the services the caller can see. */
  async list(
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<InitiativeSummary[]> {
    const visible = await this.deps.visibleRefs(credentials);
    const out: InitiativeSummary[] = [];
    for (const stored of await this.deps.store.list()) {
      const covered = await this.deps.store.covered(
        stored.definition.selection,
        visible,
        stored.definition.id,
      );
      out.push(
        this.summary(
          stored,
          progressOf(stored.definition, covered).progress,
          now,
        ),
      );
    }
    return out;
  }

  /** One initiative with its teams, services and burn-up history. */
  async get(
    id: string,
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<InitiativeDetail> {
    const stored = await this.deps.store.get(id);
    if (!stored) throw new NotFoundError(`No initiative ${id}`);
    const visible = await this.deps.visibleRefs(credentials);
    const covered = await this.deps.store.covered(
      stored.definition.selection,
      visible,
      id,
    );
    const { services, teams, progress } = progressOf(
      stored.definition,
      covered,
    );
    return {
      ...this.summary(stored, progress, now),
      teams,
      services,
      ...(visible
        ? { history: [], historyHidden: true as const }
        : { history: await this.deps.store.history(id) }),
    };
  }

  /** The initiatives a service is in, and what it still lacks for each. */
  async forEntity(
    entityRef: string,
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<EntityInitiative[]> {
    const ref = normalizeRef(entityRef);
    const visible = await this.deps.visibleRefs(credentials);
    if (visible && !visible.includes(ref)) return [];
    const out: EntityInitiative[] = [];
    for (const stored of await this.deps.store.list()) {
      const [service] = await this.deps.store.covered(
        stored.definition.selection,
        [ref],
        stored.definition.id,
      );
      if (!service) continue;
      const lacking = lackingOf(stored.definition, service);
      out.push({
        id: stored.definition.id,
        title: stored.definition.title,
        deadline: stored.definition.deadline,
        // The initiative's time (upcoming, active, overdue): whether all of it is met is
        // not this one service's to say.
        state: initiativeState(stored.definition, { services: 0, met: 0 }, now),
        met: lacking.length === 0,
        lacking,
      });
    }
    return out;
  }

  /** Adds an initiative (admins); 409 when the id is taken. */
  async create(input: unknown, actor: string): Promise<Initiative> {
    const definition = parseDefinition(
      input,
      'the request',
      this.deps.knownTasks,
    );
    if (!(await this.deps.store.create(definition, actor))) {
      throw new ConflictError(`Initiative ${definition.id} already exists`);
    }
    await this.rememberMembers(definition);
    return definition;
  }

  /** Replaces an initiative defined through the API (admins). */
  async update(id: string, input: unknown, actor: string): Promise<Initiative> {
    const definition = parseDefinition(
      input,
      'the request',
      this.deps.knownTasks,
    );
    if (definition.id !== id) {
      throw new InputError(
        `Invalid request: id: must be ${id}, the initiative in the path`,
      );
    }
    await this.assertEditable(id);
    await this.deps.store.update(definition, actor);
    await this.rememberMembers(definition);
    return definition;
  }

  /** Deletes an initiative defined through the API, with its history (admins). */
  async delete(id: string): Promise<void> {
    await this.assertEditable(id);
    await this.deps.store.delete(id);
  }

  private async assertEditable(id: string) {
    const stored = await this.deps.store.get(id);
    if (!stored) throw new NotFoundError(`No initiative ${id}`);
    if (stored.source === 'config') {
      throw new ConflictError(
        `Initiative ${id} is defined in app-config; change it there`,
      );
    }
  }

  /**
   * Scheduled: stores today's burn-up point of every started initiative (over all
   * services), and sends the deadline reminder due now to each team owning a service that
   * misses the goal and to the initiative's owner, each once.
   */
  async recordAll(
    now = new Date(),
  ): Promise<{ recorded: number; sent: number }> {
    let recorded = 0;
    let sent = 0;
    for (const stored of await this.deps.store.list()) {
      try {
        const counts = await this.record(stored.definition, now);
        recorded += counts.recorded;
        sent += counts.sent;
      } catch (error) {
        // One initiative's failure must not keep the others' points and reminders back.
        this.deps.logger.warn(
          `Could not record initiative ${stored.definition.id}: ${error}`,
        );
      }
    }
    return { recorded, sent };
  }

  private async record(
    initiative: Initiative,
    now: Date,
  ): Promise<{ recorded: number; sent: number }> {
    let recorded = 0;
    let sent = 0;
    {
      if (dayOf(now) < initiative.startsAt) return { recorded, sent };
      // Long past its deadline there is nothing left to record or remind of.
      if (
        dayOf(new Date(now.getTime() - 30 * 86_400_000)) > initiative.deadline
      )
        return { recorded, sent };
      await this.rememberMembers(initiative, now);
      const covered = await this.deps.store.covered(
        initiative.selection,
        undefined,
        initiative.id,
      );
      const { services, progress } = progressOf(initiative, covered);
      // The burn-up ends at the deadline: later days would only repeat or blur it.
      if (dayOf(now) <= initiative.deadline) {
        await this.deps.store.recordProgress(
          initiative.id,
          { day: dayOf(now), ...progress },
          now,
        );
        recorded += 1;
      }
      const milestone = initiativeMilestone(initiative.deadline, now);
      const { notifier } = this.deps;
      if (!milestone || !notifier || progress.met === progress.services)
        return { recorded, sent };
      const missing = new Map<string, { lacking: number; of: number }>();
      for (const s of services) {
        if (!s.owner) continue;
        const team = missing.get(s.owner) ?? { lacking: 0, of: 0 };
        team.of += 1;
        if (!s.met) team.lacking += 1;
        missing.set(s.owner, team);
      }
      const recipients: Array<[string, { lacking: number; of: number }]> = [
        ...[...missing].filter(([, t]) => t.lacking > 0),
        [
          initiative.owner,
          {
            lacking: progress.services - progress.met,
            of: progress.services,
          },
        ],
      ];
      for (const [recipient, counts] of recipients) {
        if (
          await notifier.initiativeDeadline({
            initiative,
            milestone,
            recipient,
            ...counts,
          })
        )
          sent += 1;
      }
    }
    return { recorded, sent };
  }

  /** An initiative as CSV (one row per covered service) or markdown. */
  async export(
    id: string,
    format: 'csv' | 'markdown',
    credentials: BackstageCredentials,
    now = new Date(),
  ): Promise<string> {
    const detail = await this.get(id, credentials, now);
    return format === 'csv' ? toCsv(detail) : toMarkdown(detail);
  }
}
