import {
  ReadinessTemplate,
  RunbookLink,
  TaskState,
} from '@prodready/plugin-readiness-common';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { ChangeLogStore } from './ChangeLogStore';
import { toRunbook } from './RunbookStore';
import { assembleTaskStates } from './TaskStore';
import { normalizeRef, normalizeRefs } from './refs';
import {
  DbEvidenceRow,
  DbPlansRow,
  DbRunbookLinksRow,
  DbTaskStatesRow,
  JsonColumn,
  PLAN_CATALOG_COLUMNS,
  catalogFieldsOf,
  iso,
  json,
} from './tables';

/** A stored readiness plan. @internal */
export interface PlanRecord {
  entityRef: string;
  templateId: string;
  templateVersion: number;
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tier?: string;
  archivedAt?: string;
  /** The template the plan is pinned to (absent for plans created before pinning). */
  templateSnapshot?: ReadinessTemplate;
  /** The catalog entity as of the last registration or sync. */
  entitySnapshot?: Entity;
  createdAt: string;
  updatedAt: string;
}

/** Catalog-derived fields of a plan. @internal */
export type PlanInput = Omit<
  PlanRecord,
  'createdAt' | 'updatedAt' | 'archivedAt' | 'templateSnapshot'
> & { templateSnapshot: ReadinessTemplate };

/**
 * Parsed pinned templates by the md5 of their jsonb text: plans share a handful of templates,
 * so rows carry the hash and the parsed template is shared (also by transaction-bound stores).
 * @internal
 */
export type TemplateCache = Map<string, ReadinessTemplate>;

/**
 * What the catalog sync compares before it refreshes a plan: the plan's catalog fields,
 * entity snapshot and catalog runbook links (`<type> <url>`, as `RunbookStore.replaceCatalog`
 * keys them).
 * @internal
 */
export interface PlanSyncState {
  entityRef: string;
  owner?: string;
  system?: string;
  domain?: string;
  lifecycle?: string;
  tier?: string;
  archived: boolean;
  entitySnapshot?: Entity;
  catalogLinks: string[];
}

/**
 * The parts of an entity a plan keeps (no status, no processing details), as the JSON
 * text stored in `entity_snapshot`.
 * @internal
 */
export const entitySnapshot = (entity: Entity | undefined) =>
  entity
    ? JSON.stringify({
        apiVersion: entity.apiVersion,
        kind: entity.kind,
        metadata: {
          name: entity.metadata.name,
          namespace: entity.metadata.namespace,
          title: entity.metadata.title,
          annotations: entity.metadata.annotations,
          links: entity.metadata.links,
        },
        spec: entity.spec,
        relations: entity.relations?.map(r => ({
          type: r.type,
          targetRef: r.targetRef,
        })),
      })
    : null;

/** The row of a new plan (not archived). */
export const toPlanRow = (input: PlanInput, now: Date): DbPlansRow => ({
  entity_ref: normalizeRef(input.entityRef),
  template_id: input.templateId,
  template_version: input.templateVersion,
  owner: input.owner ?? null,
  system: input.system ?? null,
  domain: input.domain ?? null,
  lifecycle: input.lifecycle ?? null,
  tier: input.tier ?? null,
  archived_at: null,
  template_snapshot: JSON.stringify(input.templateSnapshot),
  entity_snapshot: entitySnapshot(input.entitySnapshot),
  created_at: now,
  updated_at: now,
});

const toPlan = (row: DbPlansRow): PlanRecord => ({
  entityRef: row.entity_ref,
  templateId: row.template_id,
  templateVersion: row.template_version,
  ...catalogFieldsOf(row),
  archivedAt: iso(row.archived_at),
  ...(row.template_snapshot
    ? { templateSnapshot: json(row.template_snapshot) }
    : {}),
  ...(row.entity_snapshot ? { entitySnapshot: json(row.entity_snapshot) } : {}),
  createdAt: iso(row.created_at)!,
  updatedAt: iso(row.updated_at)!,
});

// Every column but the template, which `query` replaces with its hash.
const PLAN_COLUMNS = [
  'entity_ref',
  'template_id',
  'template_version',
  ...PLAN_CATALOG_COLUMNS,
  'archived_at',
  'entity_snapshot',
  'created_at',
  'updated_at',
] as const;

/** A plan row as `query` selects it: the template's hash instead of the template. */
type PlanQueryRow = Omit<DbPlansRow, 'template_snapshot'> & {
  template_key: string | null;
};

/** Readiness plans (`readiness_plans`): one per catalog entity, pinned to a template. @internal */
export class PlanStore {
  constructor(
    private readonly db: Knex,
    private readonly templates: TemplateCache = new Map(),
  ) {}

  /** A plan by entity ref (any case), archived or not. */
  async get(entityRef: string): Promise<PlanRecord | undefined> {
    const rows = await this.query().where({
      entity_ref: normalizeRef(entityRef),
    });
    return (await this.toPlans(rows))[0];
  }

  /** The plans among `entityRefs`, archived or not. */
  async getMany(entityRefs: string[]): Promise<PlanRecord[]> {
    return this.toPlans(
      await this.query().whereIn('entity_ref', normalizeRefs(entityRefs)),
    );
  }

  /** One page of active plans (keyset on the entity ref), optionally row-locked. */
  async listActive(options: {
    after?: string;
    /** The last ref the page may reach (inclusive). */
    until?: string;
    limit: number;
    /** Lock the page's plan rows (in a transaction): writers wait, nothing is overwritten. */
    lock?: boolean;
  }): Promise<PlanRecord[]> {
    const q = this.query()
      .whereNull('archived_at')
      .orderBy('entity_ref')
      .limit(options.limit);
    if (options.after) q.where('entity_ref', '>', options.after);
    if (options.until) q.where('entity_ref', '<=', options.until);
    if (options.lock) q.forUpdate();
    return this.toPlans(await q);
  }

  /**
   * The ref `n` places after `after` among plans that are not archived, in ref order (the
   * last ref of a page of `n`), or undefined when fewer remain: an index-only lookup.
   */
  async activeRefAfter(
    after: string | undefined,
    n: number,
  ): Promise<string | undefined> {
    const q = this.db<DbPlansRow>('readiness_plans')
      .whereNull('archived_at')
      .orderBy('entity_ref')
      .offset(n - 1)
      .first('entity_ref');
    if (after) q.where('entity_ref', '>', after);
    return (await q)?.entity_ref;
  }

  /** Refs of all plans that are not archived. */
  async listActiveRefs(): Promise<string[]> {
    const rows = await this.db<DbPlansRow>('readiness_plans')
      .whereNull('archived_at')
      .orderBy('entity_ref')
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  /**
   * A plan with its task states and runbooks in one round trip (the entity read path).
   */
  async getView(
    entityRef: string,
  ): Promise<
    | { plan: PlanRecord; tasks: TaskState[]; runbooks: RunbookLink[] }
    | undefined
  > {
    const rows: Array<
      PlanQueryRow & {
        task_rows: JsonColumn<DbTaskStatesRow[]>;
        evidence_rows: JsonColumn<DbEvidenceRow[]>;
        runbook_rows: JsonColumn<DbRunbookLinksRow[]>;
      }
    > = await this.query()
      .select(
        this.db.raw(
          `(select coalesce(json_agg(t), '[]') from readiness_task_states t
              where t.entity_ref = readiness_plans.entity_ref) as task_rows`,
        ),
        this.db.raw(
          `(select coalesce(json_agg(e order by e.recorded_at, e.id), '[]') from readiness_evidence e
              where e.entity_ref = readiness_plans.entity_ref) as evidence_rows`,
        ),
        this.db.raw(
          `(select coalesce(json_agg(r order by r.type, r.title), '[]') from readiness_runbook_links r
              where r.entity_ref = readiness_plans.entity_ref) as runbook_rows`,
        ),
      )
      .where({ entity_ref: normalizeRef(entityRef) });
    if (rows.length === 0) return undefined;
    const [plan] = await this.toPlans(rows);
    const row = rows[0];
    return {
      plan,
      tasks: assembleTaskStates(json(row.task_rows), json(row.evidence_rows)),
      runbooks: json(row.runbook_rows).map(toRunbook),
    };
  }

  /**
   * The sync state of the plans (archived or not) among `entityRefs` (lower-cased), by
   * ref: one query for a whole page of the catalog sync.
   */
  async syncStates(entityRefs: string[]): Promise<Map<string, PlanSyncState>> {
    const rows: Array<
      Pick<
        DbPlansRow,
        | 'entity_ref'
        | 'owner'
        | 'system'
        | 'domain'
        | 'lifecycle'
        | 'tier'
        | 'entity_snapshot'
      > & { archived: boolean; catalog_links: JsonColumn<string[]> }
    > = await this.db('readiness_plans as p')
      .whereRaw('p.entity_ref = any(?)', [normalizeRefs(entityRefs)])
      .select(
        'p.entity_ref',
        ...PLAN_CATALOG_COLUMNS.map(c => `p.${c}`),
        'p.entity_snapshot',
        this.db.raw('p.archived_at is not null as archived'),
        this.db.raw(
          `(select coalesce(json_agg(r.type || ' ' || r.url), '[]')
              from readiness_runbook_links r
              where r.entity_ref = p.entity_ref and r.source = 'catalog') as catalog_links`,
        ),
      );
    return new Map(
      rows.map(r => [
        r.entity_ref,
        {
          entityRef: r.entity_ref,
          ...catalogFieldsOf(r),
          archived: r.archived,
          ...(r.entity_snapshot
            ? { entitySnapshot: json(r.entity_snapshot) }
            : {}),
          catalogLinks: json(r.catalog_links),
        },
      ]),
    );
  }

  /**
   * Marks the plans among `entityRefs` as refreshed now (`updated_at`), as `upsert` does,
   * for plans the catalog sync found unchanged.
   */
  async touch(entityRefs: string[]): Promise<void> {
    if (entityRefs.length === 0) return;
    await this.db('readiness_plans')
      .whereRaw('entity_ref = any(?)', [normalizeRefs(entityRefs)])
      .update({ updated_at: new Date() });
  }

  /** Creates the plan, or refreshes its catalog-derived fields; keeps the pinned template. */
  async upsert(input: PlanInput): Promise<PlanRecord> {
    const now = new Date();
    // Most calls refresh a plan that exists: an update neither sends nor parses the
    // template, and the row comes back with the template's hash, not the template.
    const refreshed: PlanQueryRow[] = await this.db<DbPlansRow>(
      'readiness_plans',
    )
      .where({ entity_ref: normalizeRef(input.entityRef) })
      .update({
        owner: input.owner ?? null,
        system: input.system ?? null,
        domain: input.domain ?? null,
        lifecycle: input.lifecycle ?? null,
        tier: input.tier ?? null,
        entity_snapshot: entitySnapshot(input.entitySnapshot),
        // An entity that returns to the catalog is restored with its history.
        archived_at: null,
        updated_at: now,
      })
      .returning(this.returned());
    if (refreshed.length) return (await this.toPlans(refreshed))[0];
    const saved: PlanQueryRow[] = await this.db<DbPlansRow>('readiness_plans')
      .insert(toPlanRow(input, now))
      .onConflict('entity_ref')
      .merge([
        'owner',
        'system',
        'domain',
        'lifecycle',
        'tier',
        'entity_snapshot',
        'archived_at',
        'updated_at',
      ])
      .returning(this.returned());
    return (await this.toPlans(saved))[0];
  }

  /** Re-pins a plan to another template version (explicit upgrades only), logging `report`. */
  async setTemplate(
    entityRef: string,
    template: ReadinessTemplate,
    actor: string,
    report: unknown,
  ): Promise<void> {
    const ref = normalizeRef(entityRef);
    await this.db.transaction(async tx => {
      await tx<DbPlansRow>('readiness_plans')
        .where({ entity_ref: ref })
        .update({
          template_id: template.id,
          template_version: template.version,
          template_snapshot: JSON.stringify(template),
          updated_at: new Date(),
        });
      await new ChangeLogStore(tx).append({
        entityRef: ref,
        action: 'plan.upgrade',
        actor,
        after: report,
      });
    });
  }

  /**
   * Archives the active plans whose entity is not in `present` (it left the catalog): they
   * drop out of rollups but keep their data. Returns the refs archived.
   */
  async archiveMissing(present: string[]): Promise<string[]> {
    const keep = new Set(normalizeRefs(present));
    const active = await this.listActiveRefs();
    const gone = active.filter(r => !keep.has(r));
    for (let i = 0; i < gone.length; i += 500) {
      await this.db<DbPlansRow>('readiness_plans')
        .whereIn('entity_ref', gone.slice(i, i + 500))
        .update({ archived_at: new Date() });
    }
    return gone;
  }

  /** Takes the plan's row lock until the transaction this store is bound to ends. */
  async lock(entityRef: string): Promise<void> {
    await this.db<DbPlansRow>('readiness_plans')
      .where({ entity_ref: normalizeRef(entityRef) })
      .forUpdate()
      .first('entity_ref');
  }

  /** The distinct contents of template `id` at `version` that plans pinned. */
  async pinnedTemplates(
    id: string,
    version: number,
  ): Promise<ReadinessTemplate[]> {
    const rows: Array<{ template_snapshot: JsonColumn<ReadinessTemplate> }> =
      await this.db('readiness_plans')
        .where({ template_id: id, template_version: version })
        .whereNotNull('template_snapshot')
        .distinctOn('template_key')
        .select('template_key', 'template_snapshot');
    return rows.map(r => json(r.template_snapshot));
  }

  /** Plan rows without the template, which is replaced by its hash (`PlanQueryRow`). */
  private query() {
    return this.db('readiness_plans').select(...this.returned());
  }

  /** The columns of a `PlanQueryRow`. */
  private returned() {
    return [...PLAN_COLUMNS, 'template_key'];
  }

  /** Plan rows (from `query`) to records, parsing each distinct template once. */
  private async toPlans(rows: PlanQueryRow[]): Promise<PlanRecord[]> {
    const missing = [
      ...new Set(
        rows
          .map(r => r.template_key)
          .filter((k): k is string => !!k && !this.templates.has(k)),
      ),
    ];
    if (missing.length) {
      const refs = rows
        .filter(r => r.template_key && missing.includes(r.template_key))
        .map(r => r.entity_ref);
      const found: Array<{
        template_key: string;
        template_snapshot: JsonColumn<ReadinessTemplate>;
      }> = (
        await this.db.raw(
          `select distinct on (template_key) template_key, template_snapshot
           from readiness_plans where entity_ref = any(?)`,
          [refs],
        )
      ).rows;
      for (const f of found) {
        if (this.templates.size >= 200) this.templates.clear();
        this.templates.set(f.template_key, json(f.template_snapshot));
      }
    }
    return rows.map(r =>
      toPlan({
        ...r,
        template_snapshot: r.template_key
          ? this.templates.get(r.template_key) ?? null
          : null,
      }),
    );
  }
}
