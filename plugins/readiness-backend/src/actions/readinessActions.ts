import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { CiPrincipals } from '../domain/CiPrincipals';
import { ReadinessService } from '../domain/ReadinessService';
import { InitiativeService } from '../domain/initiatives/InitiativeService';
import { ActionDeps, ReadinessAction } from './actionContext';
import { getGroupReadiness } from './getGroupReadiness';
import { getInitiativeProgress } from './getInitiativeProgress';
import { checkReadinessGate, getServiceReadiness } from './serviceActions';
import { listExpiringEvidence } from './listExpiringEvidence';

/** The actions, in the order they are listed. Add new ones here. */
const readinessActions: ReadinessAction[] = [
  getServiceReadiness,
  getGroupReadiness,
  listExpiringEvidence,
  checkReadinessGate,
  getInitiativeProgress,
];

/**
 * Registers the readiness actions (`get-service-readiness`, `get-group-readiness`,
 * `list-expiring-evidence`, `check-readiness-gate`, `get-initiative-progress`) with the
 * actions registry, so an
 * assistant can ask them through the MCP actions backend. They are read-only and run with
 * the caller's credentials: catalog visibility and service-principal bindings apply as on
 * the HTTP API, and an entity the caller may not see is not found.
 *
 * @internal
 */
export function registerReadinessActions(options: {
  actionsRegistry: ActionsRegistryService;
  service: ReadinessService;
  /** Service principals' bindings; without them, service principals read no plan. */
  ciPrincipals?: CiPrincipals;
  /** Initiatives, for `get-initiative-progress`. */
  initiatives?: InitiativeService;
  /** The org chart beneath a group, so a group's expiring evidence covers its sub-teams. */
  membersOf?: (group: string) => Promise<string[]>;
}) {
  const deps: ActionDeps = {
    service: options.service,
    ciPrincipals: options.ciPrincipals ?? new CiPrincipals([]),
    initiatives: options.initiatives,
    membersOf: options.membersOf,
  };
  for (const define of readinessActions) define(options.actionsRegistry, deps);
}
