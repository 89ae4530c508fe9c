import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import {
  EntityReadinessResponse,
  EntityPlanResponse,
  EntityReadinessSummary,
  RollupQuery,
  RunbookInput,
  RunbookPatch,
  ServiceFilters,
  ServicesQuery,
} from '@prodready/plugin-readiness-common';
import { PlanRecord } from '../database/DatabaseReadinessStore';
import { CatalogAccess } from './CatalogAccess';
import { CatalogCommands } from './CatalogCommands';
import { CheckCommands } from './CheckCommands';
import { Rescoring } from './Rescoring';
import { CommandLayer } from './CommandLayer';
import { EntityReadModel } from './EntityReadModel';
import { ExemptionCommands } from './ExemptionCommands';
import { Gate, GateQuery } from './Gate';
import { OrgReadModel } from './OrgReadModel';
import { PlanLifecycle } from './PlanLifecycle';
import { PlanLookup } from './PlanLookup';
import { ReadinessDeps, readSettings } from './deps';
import { RunbookCommands } from './RunbookCommands';
import { TaskCommands } from './TaskCommands';

export { StaleVersionError } from './CommandLayer';
export { catalogRunbooks } from './entities';
export type { ReadinessDeps } from './deps';

/**
 * The readiness use cases: reading a service's plan and score, updating tasks and adding
 * evidence. Every write goes through the one command layer, which recomputes the score
 * with the common scoring rules and stores it. This class only composes the parts.
 * @internal
 */
export class ReadinessService {
  private readonly catalog: CatalogAccess;
  private readonly org: OrgReadModel;
  private readonly lifecycle: PlanLifecycle;
  private readonly reads: EntityReadModel;
  private readonly tasks: TaskCommands;
  private readonly exemptions: ExemptionCommands;
  private readonly runbooks: RunbookCommands;
  private readonly gates: Gate;
  private readonly rescoring: Rescoring;
  private readonly catalogSync: CatalogCommands;
  private readonly checks: CheckCommands;

  constructor(deps: ReadinessDeps) {
    const settings = readSettings(deps.config);
    const { store, templates, logger, cache } = deps;
    const plans = new PlanLookup({ plans: store.plans, templates });
    const catalog = new CatalogAccess({
      catalog: deps.catalog,
      auth: deps.auth,
      cache,
      logger,
      permissions: deps.permissions,
      entityTtlMs: settings.entityTtlMs,
    });
    const org = new OrgReadModel({
      readModel: store.readModel,
      scores: store.scores,
      catalog,
      cache,
      logger,
      rollupTtlMs: settings.rollupTtlMs,
      trendTtlMs: settings.trendTtlMs,
    });
    const commands = new CommandLayer({
      store,
      plans,
      logger,
      notifier: deps.notifier,
      scoresChanged: () => org.scoresChanged(),
    });
    const lifecycle = new PlanLifecycle({
      store,
      templates,
      logger,
      catalog,
      commands,
      plans,
    });
    const reads = new EntityReadModel({
      store,
      templates,
      config: deps.config,
      catalog,
      lifecycle,
      plans,
    });
    this.catalog = catalog;
    this.org = org;
    this.lifecycle = lifecycle;
    this.reads = reads;
    this.tasks = new TaskCommands({
      evidence: store.evidence,
      notifier: deps.notifier,
      catalog,
      commands,
      plans,
      ownerGroupMayReview: settings.ownerGroupMayReview,
    });
    this.exemptions = new ExemptionCommands({
      tasks: store.tasks,
      catalog,
      commands,
      plans,
      maxExemptionDays: settings.maxExemptionDays,
      ownerGroupMayApprove: settings.ownerGroupMayApprove,
    });
    this.runbooks = new RunbookCommands({ commands, plans });
    this.gates = new Gate({ reads });
    this.rescoring = new Rescoring({
      scores: store.scores,
      plans: store.plans,
      commands,
      pageSize: deps.reevaluatePageSize,
    });
    this.catalogSync = new CatalogCommands({
      plans: store.plans,
      commands,
      lifecycle,
    });
    this.checks = new CheckCommands({
      planStore: store.plans,
      tasks: store.tasks,
      runbooks: store.runbooks,
      commands,
      plans,
      rescoring: this.rescoring,
    });
  }

  /** The entity as the caller may read it from the catalog (cached per user briefly). */
  getEntity(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    return this.catalog.getEntity(ref, credentials);
  }

  /** Creates or refreshes (and restores) the plan of an entity. */
  registerEntity(
    entity: Entity,
    options: {
      domainOf?: (systemRef: string) => Promise<string | undefined>;
    } = {},
  ): Promise<PlanRecord> {
    return this.lifecycle.registerEntity(entity, options);
  }

  /** The registration job: registers the plans that were read before any sync saw them. */
  registerPending(): Promise<number> {
    return this.lifecycle.registerPending();
  }

  /** The plan a write is about, registered (or restored) first when needed. */
  ensurePlan(entity: Entity): Promise<void> {
    return this.lifecycle.ensurePlan(entity);
  }

  /** Takes the plans waiting for their first (or a fresh) run of the automatic checks. */
  takePendingChecks(): string[] {
    return this.lifecycle.takePendingChecks();
  }

  /** A service's readiness as the caller may read it; an unregistered plan is a preview. */
  getEntityReadiness(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityReadinessResponse> {
    return this.reads.getEntityReadiness(ref, credentials);
  }

  /** What the entity card shows: its card stored with the score, or the full read summarised. */
  getEntitySummary(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityReadinessSummary> {
    return this.reads.getEntitySummary(ref, credentials);
  }

  /** The full read without the template's text (see {@link getTemplateVersion}). */
  getEntityPlan(
    ref: CompoundEntityRef,
    credentials: BackstageCredentials,
  ): Promise<EntityPlanResponse> {
    return this.reads.getEntityPlan(ref, credentials);
  }

  /** A template at one version (exactly `key`'s content when given), or a 404. */
  getTemplateVersion(id: string, version: number, key?: string) {
    return this.reads.getTemplateVersion(id, version, key);
  }

  /** Changes a task's status, assignee, notes or checklist. */
  updateTask(options: Parameters<TaskCommands['updateTask']>[0]) {
    return this.tasks.updateTask(options);
  }

  /** Records evidence; its provenance comes from who sends it. */
  addEvidence(options: Parameters<TaskCommands['addEvidence']>[0]) {
    return this.tasks.addEvidence(options);
  }

  /** A second person approves or rejects a person's evidence. */
  reviewEvidence(options: Parameters<TaskCommands['reviewEvidence']>[0]) {
    return this.tasks.reviewEvidence(options);
  }

  /** Evidence awaiting a review that `reviewer` may give, oldest first. */
  reviewQueue(options: Parameters<TaskCommands['reviewQueue']>[0]) {
    return this.tasks.reviewQueue(options);
  }

  /** Grants a pending exemption request. */
  setExemption(options: Parameters<ExemptionCommands['setExemption']>[0]) {
    return this.exemptions.setExemption(options);
  }

  /** An owner asks for an exemption. */
  requestExemption(
    options: Parameters<ExemptionCommands['requestExemption']>[0],
  ) {
    return this.exemptions.requestExemption(options);
  }

  /** Removes a granted exemption. */
  revokeExemption(
    options: Parameters<ExemptionCommands['revokeExemption']>[0],
  ) {
    return this.exemptions.revokeExemption(options);
  }

  /** Adds a runbook link to a plan. */
  addRunbook(entityRef: string, input: RunbookInput, actor: string) {
    return this.runbooks.addRunbook(entityRef, input, actor);
  }

  /** Changes a runbook link of a plan. */
  updateRunbook(
    entityRef: string,
    id: string,
    patch: RunbookPatch,
    actor: string,
  ) {
    return this.runbooks.updateRunbook(entityRef, id, patch, actor);
  }

  /** Deletes a runbook link of a plan. */
  deleteRunbook(entityRef: string, id: string, actor: string) {
    return this.runbooks.deleteRunbook(entityRef, id, actor);
  }

  /** Moves a plan to the current version of its template. */
  upgradePlan(entityRef: string, actor: string) {
    return this.lifecycle.upgradePlan(entityRef, actor);
  }

  /** Answers a CI pipeline: does the service meet `minScore` with no blockers? */
  gate(
    ref: CompoundEntityRef,
    query: GateQuery,
    credentials: BackstageCredentials,
  ) {
    return this.gates.gate(ref, query, credentials);
  }

  /** The entity refs a caller may see, or `undefined` when they may see every entity. */
  visibleRefs(
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    return this.catalog.visibleRefs(credentials);
  }

  /** Org rollup by owner, system, domain or group, among what the caller may see. */
  rollup(query: RollupQuery, credentials: BackstageCredentials) {
    return this.org.rollup(query, credentials);
  }

  /** `rollup`, saying whether the answer is shared by every whole-catalog caller. */
  rollupRead(query: RollupQuery, credentials: BackstageCredentials) {
    return this.org.rollupRead(query, credentials);
  }

  /** Open P0 blockers among what the caller may see. */
  listBlockers(
    query: ServiceFilters & { limit: number; cursor?: string },
    credentials: BackstageCredentials,
  ) {
    return this.org.listBlockers(query, credentials);
  }

  /** Daily readiness over the last `days` days, among what the caller may see. */
  trend(
    query: ServiceFilters & { days: number },
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ) {
    return this.org.trend(query, credentials, now);
  }

  /** Evidence expiring within `days` days, among what the caller may see. */
  expiringEvidence(
    days: number,
    credentials: BackstageCredentials,
    now: Date = new Date(),
    options?: { owners?: string[]; limit?: number },
  ) {
    return this.org.expiringEvidence(days, credentials, now, options);
  }

  /** A page of the evidence expiring within `days` days, among what the caller may see. */
  expiringEvidencePage(
    query: { days: number; limit: number; cursor?: string },
    credentials: BackstageCredentials,
    now: Date = new Date(),
  ) {
    return this.org.expiringEvidencePage(query, credentials, now);
  }

  /** A page of service scores, among what the caller may see. */
  listServices(query: ServicesQuery, credentials: BackstageCredentials) {
    return this.org.listServices(query, credentials);
  }

  /** Scheduled re-evaluation of every plan, with daily snapshots and pruning. */
  reevaluateAll(now: Date = new Date()) {
    return this.rescoring.reevaluateAll(now);
  }

  /** The plan's ref, owner and system (for bindings), or undefined when there is none. */
  getPlanSummary(entityRef: string) {
    return this.reads.getPlanSummary(entityRef);
  }

  /** The pinned template and task states of a plan (no catalog call). */
  getPlanState(entityRef: string) {
    return this.reads.getPlanState(entityRef);
  }

  /** The plan's change log. */
  getChangeLog(entityRef: string) {
    return this.reads.getChangeLog(entityRef);
  }

  /** The plan's score snapshots in `range`. */
  getHistory(entityRef: string, range: { from?: Date; to?: Date }) {
    return this.reads.getHistory(entityRef, range);
  }

  /** Recomputes and stores the score; writes a snapshot when it moved. */
  recompute(entityRef: string, reason: string, options?: { always?: boolean }) {
    return this.rescoring.recompute(entityRef, reason, options);
  }

  /** The catalog sync: creates or refreshes a plan from its entity; true when it is new. */
  syncEntity(
    entity: Entity,
    options: {
      domainOf?: (systemRef: string) => Promise<string | undefined>;
    } = {},
  ): Promise<boolean> {
    return this.catalogSync.syncEntity(entity, options);
  }

  /**
   * The catalog sync: archives the plans of entities not in `present`; returns their refs.
   * Cached rollups and whole-catalog counts drop when any plan was archived.
   */
  async archiveMissing(present: string[]): Promise<string[]> {
    const archived = await this.catalogSync.archiveMissing(present);
    if (archived.length) await this.org.scoresChanged();
    return archived;
  }

  /**
   * The catalog sync: replaces the org chart kept for group rollups. Cached rollups and
   * whole-catalog counts drop then, as plans' owners and systems may have moved in the sync.
   */
  async replaceOrgChart(
    ...args: Parameters<CatalogCommands['replaceOrgChart']>
  ): Promise<void> {
    await this.catalogSync.replaceOrgChart(...args);
    await this.org.scoresChanged();
  }

  /** The active plans the scheduled checks run over. */
  checkTargets(): Promise<string[]> {
    return this.checks.targets();
  }

  /** What the automatic checks see of a plan: template, task states and runbooks. */
  checkInputs(entityRef: string) {
    return this.checks.inputs(entityRef);
  }

  /** Records the checks' last runs on a plan and applies their outcomes in one command. */
  recordCheckRuns(
    ...args: Parameters<CheckCommands['record']>
  ): ReturnType<CheckCommands['record']> {
    return this.checks.record(...args);
  }
}
