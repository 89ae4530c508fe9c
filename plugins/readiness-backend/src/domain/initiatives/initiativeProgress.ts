import {
  Initiative,
  InitiativeServiceProgress,
  InitiativeTeamProgress,
  initiativeGaps,
} from '@prodready/plugin-readiness-common';
import { CoveredService } from '../../database/InitiativeStore';

/** The day (YYYY-MM-DD, UTC) of an instant. */
export const dayOf = (now: Date) => now.toISOString().slice(0, 10);

/** What a covered service lacks to meet an initiative's goal. */
export function lackingOf(
  initiative: Initiative,
  service: CoveredService,
): string[] {
  return service.untracked
    ? ['no longer tracked for readiness']
    : initiativeGaps(initiative.goal, service);
}

/** Covered services with what each lacks, teams (direct owners) and the totals. */
export function progressOf(initiative: Initiative, covered: CoveredService[]) {
  const services: InitiativeServiceProgress[] = covered.map(s => {
    const lacking = lackingOf(initiative, s);
    return {
      entityRef: s.entityRef,
      ...(s.owner ? { owner: s.owner } : {}),
      met: lacking.length === 0,
      lacking,
      ...(s.left ? { left: true as const } : {}),
    };
  });
  const teams = new Map<string, InitiativeTeamProgress>();
  for (const s of services) {
    const owner = s.owner ?? '(none)';
    const team = teams.get(owner) ?? { owner, services: 0, met: 0 };
    team.services += 1;
    if (s.met) team.met += 1;
    teams.set(owner, team);
  }
  return {
    services,
    teams: [...teams.values()].sort((a, b) => a.owner.localeCompare(b.owner)),
    progress: {
      services: services.length,
      met: services.filter(s => s.met).length,
    },
  };
}
