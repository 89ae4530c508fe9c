import { ReadinessCheck } from '@prodready/plugin-readiness-node';
import { PagerDutyAnswer, PagerDutyApi } from './PagerDutyApi';

/**
 * The community annotation naming an entity's PagerDuty service. Same string as
 * `ANNOTATION_PAGERDUTY_SERVICE_ID` in `@prodready/plugin-readiness-common`, which this
 * module does not depend on.
 */
export const PAGERDUTY_SERVICE_ID = 'pagerduty.com/service-id';

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Evidence is shown to everyone who can see the plan: no e-mail addresses in it.
const noEmail = (text: string) => text.replace(EMAIL, '[email]');

const unknown = (summary: string) => ({
  outcome: 'unknown' as const,
  summary: noEmail(summary),
});
const failed = (summary: string, url?: string | null) => ({
  outcome: 'failed' as const,
  summary: noEmail(url ? `${summary}: ${url}` : summary),
  ...(url ? { url } : {}),
});

/** What a PagerDuty error means for a check: unreachable is unknown, the rest is no proof. */
function refusal(answer: Exclude<PagerDutyAnswer<unknown>, { ok: true }>) {
  if (answer.status === 'malformed')
    return unknown(`PagerDuty's answer was not understood: ${answer.message}`);
  if (answer.status === 'unreachable' || answer.status >= 500)
    return unknown(`PagerDuty did not answer: ${answer.message}`);
  if (answer.status === 429)
    return unknown(`PagerDuty rate limit: ${answer.message}`);
  // A bad or under-privileged token is the platform's, not the team's fault: no failure.
  if (answer.status === 401 || answer.status === 403)
    return unknown(
      `PagerDuty refused the platform's API token (${answer.status}): ${answer.message}`,
    );
  return failed(`PagerDuty answered ${answer.status}: ${answer.message}`);
}

const normalise = (name: string) =>
  name.toLocaleLowerCase('en-US').replace(/[^a-z0-9]/g, '');

function names(users: string[]) {
  const shown = users.slice(0, 3).join(', ');
  return users.length > 3 ? `${shown} and ${users.length - 3} more` : shown;
}

/**
 * `pagerduty-on-call`: the PagerDuty service named by `pagerduty.com/service-id` is active and
 * its escalation policy has someone on call at level 1 right now.
 */
export function pagerdutyOnCallCheck(pagerduty: PagerDutyApi): ReadinessCheck {
  return {
    id: 'pagerduty-on-call',
    title: 'Someone on call now in PagerDuty',
    source: 'pagerduty',
    trust: 'verified',
    async run({ entity }) {
      const id =
        entity.metadata.annotations?.[PAGERDUTY_SERVICE_ID]?.trim() ?? '';
      if (!id)
        return failed(
          `No ${PAGERDUTY_SERVICE_ID} annotation: nothing shows alerts reach someone on call`,
        );
      if (!/^[A-Za-z0-9]{1,32}$/.test(id))
        return failed(
          `${PAGERDUTY_SERVICE_ID} "${id.slice(
            0,
            64,
          )}" is not a PagerDuty service id`,
        );
      if (!pagerduty.configured)
        return unknown('No PagerDuty API token configured');

      const service = await pagerduty.service(id);
      if (!service.ok) {
        if (service.status === 404)
          return failed(
            `PagerDuty has no service ${id} (named by ${PAGERDUTY_SERVICE_ID})`,
          );
        return refusal(service);
      }
      const { name, url, status, policy } = service.body;
      if (status === 'disabled')
        return failed(`PagerDuty service ${name} is disabled`, url);
      if (!policy)
        return failed(
          `PagerDuty service ${name} has no escalation policy`,
          url,
        );

      const onCall = await pagerduty.onCall(policy.id);
      if (!onCall.ok) return refusal(onCall);
      if (onCall.body.users.length === 0)
        return failed(
          `Nobody is on call at level 1 of ${policy.summary} (service ${name})`,
          policy.url,
        );
      // The annotation is the team's word: pointed at another team's well-staffed service it
      // would prove nothing. Only a service named after the entity proves more than a claim.
      // Not metadata.title: the team writes it freely, unlike the entity's name.
      const bound = normalise(entity.metadata.name) === normalise(name);
      return {
        outcome: 'passed',
        summary: noEmail(
          `On call now for ${policy.summary}: ${names(onCall.body.users)}${
            bound
              ? ''
              : ` (PagerDuty service "${name}" is not named after ${entity.metadata.name}: a claim until reviewed)`
          }`,
        ),
        ...(url ? { url } : {}),
        ...(bound ? {} : { trust: 'claimed' as const }),
      };
    },
  };
}
