import { Knex } from 'knex';
import {
  Initiative,
  InitiativeProgressPoint,
  InitiativeSelection,
} from '@prodready/plugin-readiness-common';
import { normalizeRefs } from './refs';
import {
  DbInitiativeMembersRow,
  DbInitiativeProgressRow,
  DbInitiativesRow,
  DbPlansRow,
  DbScoresRow,
  json,
} from './tables';

/** An initiative as stored, with where it came from. */
export interface StoredInitiative {
  definition: Initiative;
  source: 'config' | 'api';
  updatedBy: string;
  updatedAt: string;
}

/** The stored score facts of a service an initiative covers. */
export interface CoveredService {
  entityRef: string;
  owner?: string;
  overall: number;
  stage: number;
  blockers: number;
  provenTasks: string[];
  /** A member that no longer matches the selection. */
  left?: true;
  /** Its plan is archived (or has no score): its stored facts no longer hold. */
  untracked?: true;
}

/** A plan's row with its stored score's facts (null where it has no score). */
type CoveredRow = Pick<DbPlansRow, 'entity_ref'> &
  Partial<Pick<DbPlansRow, 'owner' | 'archived_at'>> & {
    [K in 'overall' | 'stage' | 'blockers' | 'proven_tasks']?:
      | DbScoresRow[K]
      | null;
  };

const toCovered = (r: CoveredRow): CoveredService => ({
  entityRef: r.entity_ref,
  owner: r.owner ?? undefined,
  overall: Number(r.overall ?? 0),
  stage: Number(r.stage ?? 0),
  blockers: Number(r.blockers ?? 0),
  provenTasks: r.proven_tasks ? json(r.proven_tasks) : [],
});

const toStored = (r: DbInitiativesRow): StoredInitiative => ({
  definition: json(r.definition),
  source: r.source,
  updatedBy: r.updated_by,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/**
 * Initiatives (`readiness_initiatives`) and their daily burn-up points
 * (`readiness_initiative_progress`), and the stored scores of the services one covers.
 * @internal
 */
export class InitiativeStore {
  constructor(private readonly db: Knex) {}

  /** Every initiative, by id. */
  async list(): Promise<StoredInitiative[]> {
    return (
      await this.db<DbInitiativesRow>('readiness_initiatives').orderBy('id')
    ).map(toStored);
  }

  /** One initiative by id. */
  async get(id: string): Promise<StoredInitiative | undefined> {
    const row = await this.db<DbInitiativesRow>('readiness_initiatives')
      .where({ id })
      .first();
    return row ? toStored(row) : undefined;
  }

  /** Inserts a new initiative; false when the id is taken. */
  async create(definition: Initiative, actor: string): Promise<boolean> {
    const rows = await this.db<DbInitiativesRow>('readiness_initiatives')
      .insert({
        id: definition.id,
        definition: JSON.stringify(definition),
        source: 'api',
        updated_by: actor,
        updated_at: new Date(),
      })
      .onConflict('id')
      .ignore()
      .returning('id');
    return rows.length === 1;
  }

  /** Replaces an initiative defined through the API; false when there is none. */
  async update(definition: Initiative, actor: string): Promise<boolean> {
    const n = await this.db<DbInitiativesRow>('readiness_initiatives')
      .where({ id: definition.id, source: 'api' })
      .update({
        definition: JSON.stringify(definition),
        updated_by: actor,
        updated_at: new Date(),
      });
    return n === 1;
  }

  /** Deletes an initiative defined through the API (with its history); false when none. */
  async delete(id: string): Promise<boolean> {
    return (
      (await this.db<DbInitiativesRow>('readiness_initiatives')
        .where({ id, source: 'api' })
        .delete()) === 1
    );
  }

  /**
   * Makes the config-defined initiatives exactly `definitions`: each is written (taking over
   * an API one of the same id), and those no longer in config are deleted.
   */
  async replaceConfig(definitions: Initiative[]): Promise<void> {
    await this.db.transaction(async tx => {
      const ids = definitions.map(d => d.id);
      await tx<DbInitiativesRow>('readiness_initiatives')
        .where({ source: 'config' })
        .whereNotIn('id', ids)
        .delete();
      if (definitions.length === 0) return;
      await tx<DbInitiativesRow>('readiness_initiatives')
        .insert(
          definitions.map(d => ({
            id: d.id,
            definition: JSON.stringify(d),
            source: 'config' as const,
            updated_by: 'app-config',
            updated_at: new Date(),
          })),
        )
        .onConflict('id')
        .merge();
    });
  }

  /**
   * The active services a selection covers, with their stored score facts; `visible` limits
   * them to the caller's catalog view. Owner groups take everything beneath them.
   */
  async covered(
    selection: InitiativeSelection,
    visible?: string[],
    /** Also the services this initiative covered before and that left the selection. */
    initiativeId?: string,
  ): Promise<CoveredService[]> {
    const current = await this.selected(selection, visible);
    if (!initiativeId) return current;
    const inSelection = new Set(current.map(c => c.entityRef));
    const left = (
      await this.db<DbInitiativeMembersRow>('readiness_initiative_members')
        .where({ initiative_id: initiativeId })
        .select('entity_ref')
    )
      .map(r => r.entity_ref)
      .filter(ref => !inSelection.has(ref))
      .filter(ref => !visible || visible.includes(ref));
    if (left.length === 0) return current;
    const rows: CoveredRow[] = await this.db('readiness_plans as p')
      .leftJoin('readiness_scores as s', 's.entity_ref', 'p.entity_ref')
      .whereIn('p.entity_ref', left)
      .select(
        'p.entity_ref',
        'p.owner',
        'p.archived_at',
        's.overall',
        's.stage',
        's.blockers',
        's.proven_tasks',
      );
    const byRef = new Map(rows.map(r => [r.entity_ref, r]));
    const gone: CoveredService[] = left.map(ref => {
      const r = byRef.get(ref);
      const untracked = !r || r.archived_at || r.overall === null;
      return {
        ...toCovered(r ?? { entity_ref: ref }),
        left: true as const,
        ...(untracked ? { untracked: true as const } : {}),
      };
    });
    return [...current, ...gone].sort((a, b) =>
      a.entityRef.localeCompare(b.entityRef),
    );
  }

  /**
   * Records the services an initiative covers now as its members (and when members left
   * the selection or came back).
   */
  async rememberMembers(
    initiativeId: string,
    refs: string[],
    at: Date,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      for (let i = 0; i < refs.length; i += 1000) {
        await tx<DbInitiativeMembersRow>('readiness_initiative_members')
          .insert(
            refs.slice(i, i + 1000).map(entity_ref => ({
              initiative_id: initiativeId,
              entity_ref,
              joined_at: at,
            })),
          )
          .onConflict(['initiative_id', 'entity_ref'])
          .merge({ left_at: null });
      }
      const leaving = tx<DbInitiativeMembersRow>('readiness_initiative_members')
        .where({ initiative_id: initiativeId })
        .whereNull('left_at');
      if (refs.length) leaving.whereRaw('not (entity_ref = any(?))', [refs]);
      await leaving.update({ left_at: at });
    });
  }

  private async selected(
    selection: InitiativeSelection,
    visible?: string[],
  ): Promise<CoveredService[]> {
    const q = this.db('readiness_plans as p')
      .join('readiness_scores as s', 's.entity_ref', 'p.entity_ref')
      .whereNull('p.archived_at')
      .select(
        'p.entity_ref',
        'p.owner',
        's.overall',
        's.stage',
        's.blockers',
        's.proven_tasks',
      )
      .orderBy('p.entity_ref');
    if (visible) q.whereRaw('p.entity_ref = any(?)', [visible]);
    if (selection.owners?.length) {
      const owners = normalizeRefs(selection.owners);
      q.where(w =>
        w
          .whereIn('p.owner', owners)
          .orWhereIn(
            'p.owner',
            this.db('readiness_org_members')
              .select('member_ref')
              .whereIn('ancestor_ref', owners),
          ),
      );
    }
    const columns = {
      systems: 'p.system',
      domains: 'p.domain',
      lifecycles: 'p.lifecycle',
      tiers: 'p.tier',
    } as const;
    for (const [key, column] of Object.entries(columns)) {
      const values = selection[key as keyof typeof columns];
      if (values?.length) q.whereIn(column, normalizeRefs(values));
    }
    if (selection.types?.length) {
      q.whereRaw(`lower(p.entity_snapshot->'spec'->>'type') = any(?)`, [
        normalizeRefs(selection.types),
      ]);
    }
    const rows: CoveredRow[] = await q;
    return rows.map(toCovered);
  }

  /** Stores the day's burn-up point (the day's last recording wins). */
  async recordProgress(
    id: string,
    point: InitiativeProgressPoint,
    at: Date,
  ): Promise<void> {
    await this.db<DbInitiativeProgressRow>('readiness_initiative_progress')
      .insert({
        initiative_id: id,
        day: point.day,
        services: point.services,
        met: point.met,
        recorded_at: at,
      })
      .onConflict(['initiative_id', 'day'])
      .merge();
  }

  /** The burn-up points of an initiative, oldest first. */
  async history(id: string): Promise<InitiativeProgressPoint[]> {
    const rows: Array<
      Pick<DbInitiativeProgressRow, 'services' | 'met'> & { day: string }
    > = await this.db('readiness_initiative_progress')
      .where({ initiative_id: id })
      .select(
        this.db.raw(`to_char(day, 'YYYY-MM-DD') as day`),
        'services',
        'met',
      )
      .orderBy('day');
    return rows.map(r => ({
      day: r.day,
      services: Number(r.services),
      met: Number(r.met),
    }));
  }
}
