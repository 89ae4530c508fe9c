import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { getSentryProjectSlug } from '@prodready/plugin-readiness-common';
import {
  ReadinessCheck,
  ReadinessCheckResult,
} from '@prodready/plugin-readiness-node';
import { SentryClient, SentryError } from '../sentry/SentryClient';

const projectOf = (slug: string) =>
  slug.includes('/') ? slug.split('/').pop()! : slug;

/** Sentry failures make the outcome unknown, so an outage never flips a score. */
async function guarded(
  run: () => Promise<ReadinessCheckResult>,
): Promise<ReadinessCheckResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SentryError) {
      return {
        outcome: 'unknown',
        summary: `Sentry ${error.kind}: ${error.message}`,
      };
    }
    throw error;
  }
}

/** Checks backed by the Sentry REST API; without `readiness.sentry` they answer unknown. @internal */
export function sentryChecks(
  client: SentryClient | undefined,
  config: Config,
): ReadinessCheck[] {
  const maxIssues =
    config.getOptionalNumber('readiness.sentry.maxUnresolvedIssues') ?? 25;
  const requireOwnProject =
    config.getOptionalBoolean(
      'readiness.sentry.requireProjectNamedAfterEntity',
    ) ?? true;
  // The annotation is the team's word: pointed at another team's busy or quiet project it
  // would prove nothing, so a pass through a project not named after the entity is a claim.
  const bind = (
    entity: Entity,
    project: string,
    result: ReadinessCheckResult,
  ): ReadinessCheckResult =>
    result.outcome !== 'passed' ||
    !requireOwnProject ||
    project.toLocaleLowerCase('en-US') ===
      entity.metadata.name.toLocaleLowerCase('en-US')
      ? result
      : {
          ...result,
          summary: `${result.summary} (Sentry project "${project}" is not named after ${entity.metadata.name}: a claim until reviewed)`,
          trust: 'claimed',
        };
  const needs = async (
    slug: string | undefined,
    run: (
      client: SentryClient,
      project: string,
    ) => Promise<ReadinessCheckResult>,
  ): Promise<ReadinessCheckResult> => {
    if (!slug)
      return {
        outcome: 'failed',
        summary: 'No sentry.io/project-slug annotation',
      };
    if (!client)
      return {
        outcome: 'unknown',
        summary: 'Sentry is not configured (readiness.sentry)',
      };
    return guarded(() => run(client, projectOf(slug)));
  };
  return [
    {
      id: 'sentry-project-active',
      title: 'Sentry project exists and received events in the last 24 h',
      source: 'sentry',
      run: ({ entity, now }) =>
        needs(getSentryProjectSlug(entity), async (c, project) => {
          if (!(await c.getProject(project))) {
            return {
              outcome: 'failed',
              summary: `Sentry has no project "${project}"`,
            };
          }
          const events = await c.eventsLast24h(project, now);
          return bind(
            entity,
            project,
            events > 0
              ? {
                  outcome: 'passed',
                  summary: `${events} events received in the last 24 h`,
                  url: c.projectUrl(project),
                }
              : {
                  outcome: 'failed',
                  summary: `Sentry project "${project}" received no events in the last 24 h`,
                },
          );
        }),
    },
    {
      id: 'sentry-issues-under-threshold',
      title: `At most ${maxIssues} unresolved Sentry issues`,
      source: 'sentry',
      run: ({ entity }) =>
        needs(getSentryProjectSlug(entity), async (c, project) => {
          const open = await c.unresolvedIssues(project);
          return bind(
            entity,
            project,
            open <= maxIssues
              ? {
                  outcome: 'passed',
                  summary: `${open} unresolved issues (limit ${maxIssues})`,
                  url: c.projectUrl(project),
                }
              : {
                  outcome: 'failed',
                  summary: `${open} unresolved issues, above the limit of ${maxIssues}`,
                },
          );
        }),
    },
  ];
}
