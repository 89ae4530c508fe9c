import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ANNOTATION_BACKUP_POLICY,
  ANNOTATION_SENTRY_PROJECT_SLUG,
  TaskStatus,
  readinessExemptionApprovePermission,
  readinessPlanUpdatePermission,
} from '@prodready/plugin-readiness-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ReadinessConflictError, readinessApiRef } from '../../api';
import { useEntityReadiness } from '../../hooks/useEntityReadiness';
import { taskStatusLabel } from '../../utils/labels';
import { EntityInitiatives } from '../EntityInitiatives';
import { ReadinessSummary } from '../EntityReadinessCard';
import { ImportDialog } from '../ImportDialog';
import { ScoreHistoryChart } from '../ScoreHistoryChart';
import { EvidenceDialog, ExemptionDialog } from './TaskDialogs';
import { TaskRow } from './TaskRow';

/**
 * The Readiness tab of an entity: the plan phase by phase, with editing for those allowed.
 * @public
 */
export function EntityReadinessContent() {
  const { entity } = useEntity();
  const api = useApi(readinessApiRef);
  const ref = getCompoundEntityRef(entity);
  const entityRef = stringifyEntityRef(entity);
  const {
    loading,
    error,
    value: data,
    retry,
    registered,
  } = useEntityReadiness(entity);
  const history = useAsyncRetry(
    async () => (registered ? api.getHistory(ref) : []),
    [api, entityRef, registered, data?.score.evaluatedAt],
  );
  const { allowed: canEdit } = usePermission({
    permission: readinessPlanUpdatePermission,
    resourceRef: entityRef,
  });
  const { allowed: mayApprove } = usePermission({
    permission: readinessExemptionApprovePermission,
    resourceRef: entityRef,
  });
  // The backend refuses approvers from the owning group; don't offer them the button.
  const identityApi = useApi(identityApiRef);
  const { value: ownership } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).ownershipEntityRefs,
    [identityApi],
  );
  const owners = (entity.relations ?? [])
    .filter(r => r.type === 'ownedBy')
    .map(r => r.targetRef.toLocaleLowerCase('en-US'));
  const inOwningGroup = (ownership ?? []).some(r =>
    owners.includes(r.toLocaleLowerCase('en-US')),
  );
  const canApprove = mayApprove && ownership !== undefined && !inOwningGroup;
  const [busy, setBusy] = useState(false);
  const [writeError, setWriteError] = useState<Error>();
  const [conflict, setConflict] = useState<ReadinessConflictError>();
  const [evidenceFor, setEvidenceFor] = useState<string>();
  const [exemptionFor, setExemptionFor] = useState<{
    taskId: string;
    mode: 'grant' | 'request';
    notApplicable?: boolean;
  }>();
  const [importing, setImporting] = useState(false);

  if (!registered) {
    return (
      <MissingAnnotationEmptyState
        annotation={[ANNOTATION_SENTRY_PROJECT_SLUG, ANNOTATION_BACKUP_POLICY]}
      />
    );
  }
  if (loading && !data) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!data) return null;

  const states = new Map(data.tasks.map(t => [t.taskId, t]));
  const evals = new Map(data.score.tasks.map(t => [t.taskId, t]));
  const runs = new Map((data.checkRuns ?? []).map(r => [r.taskId, r]));
  const gains = new Map(data.whatIf.map(w => [w.taskId, w.gain]));

  const write = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setWriteError(undefined);
    setConflict(undefined);
    try {
      await fn();
    } catch (e) {
      if (e instanceof ReadinessConflictError) setConflict(e);
      else setWriteError(e as Error);
    } finally {
      setBusy(false);
      retry();
    }
  };
  const version = (taskId: string) => states.get(taskId)?.version ?? 0;

  return (
    <Grid container spacing={3}>
      {conflict && (
        <Grid item xs={12}>
          <WarningPanel
            severity="warning"
            title={`Task ${conflict.current.taskId} was changed by someone else; your change was not saved`}
            message={`It is now "${taskStatusLabel(
              conflict.current.status,
            )}" (version ${conflict.current.version}, by ${
              conflict.current.updatedBy ?? 'unknown'
            }). The page shows the newer state: apply your change again if it still holds.`}
          />
        </Grid>
      )}
      {writeError && (
        <Grid item xs={12}>
          <ResponseErrorPanel error={writeError} />
        </Grid>
      )}
      <Grid item xs={12} md={7}>
        <InfoCard title="Readiness score">
          <ReadinessSummary data={data} />
          <EntityInitiatives
            entityRef={ref}
            evaluatedAt={data.score.evaluatedAt}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard
          title="Score history"
          action={
            <Button
              onClick={() => setImporting(true)}
              aria-label="Import a markdown report"
            >
              Import report
            </Button>
          }
        >
          <ScoreHistoryChart
            title="Score history"
            points={(history.value ?? []).map(h => ({
              at: h.recordedAt.slice(0, 10),
              value: h.overall,
            }))}
          />
        </InfoCard>
      </Grid>
      {data.template.phases.map((phase, i) => {
        const progress = data.score.phases.find(p => p.id === phase.id);
        return (
          <Grid item xs={12} key={phase.id}>
            <InfoCard
              title={`Phase ${i + 1}: ${phase.title}`}
              subheader={`${progress?.satisfied ?? 0}/${
                progress?.applicable ?? 0
              } tasks · ${progress?.earned ?? 0}/${
                progress?.possible ?? 0
              } points · risk ${phase.risk}${
                phase.estimateHours ? ` · ~${phase.estimateHours} h` : ''
              }`}
            >
              {phase.description && (
                <Typography variant="body2" color="textSecondary">
                  {phase.description}
                </Typography>
              )}
              <ul
                style={{ padding: 0, margin: 0 }}
                aria-label={`Tasks of ${phase.title}`}
              >
                {phase.tasks.map(task => (
                  <TaskRow
                    key={task.id}
                    task={task}
                    state={states.get(task.id)}
                    checkRun={runs.get(task.id)}
                    evaluation={evals.get(task.id)}
                    gain={gains.get(task.id)}
                    canEdit={canEdit}
                    canApprove={canApprove}
                    busy={busy}
                    onStatus={(status: TaskStatus) =>
                      write(() =>
                        api.updateTask(ref, task.id, {
                          expectedVersion: version(task.id),
                          status,
                        }),
                      )
                    }
                    onChecklist={(itemId, done) =>
                      write(() =>
                        api.updateTask(ref, task.id, {
                          expectedVersion: version(task.id),
                          checklist: { [itemId]: done },
                        }),
                      )
                    }
                    onAddEvidence={() => setEvidenceFor(task.id)}
                    onRequestExemption={() =>
                      setExemptionFor({ taskId: task.id, mode: 'request' })
                    }
                    onRequestNotApplicable={() =>
                      setExemptionFor({
                        taskId: task.id,
                        mode: 'request',
                        notApplicable: true,
                      })
                    }
                    onApproveRequest={() =>
                      setExemptionFor({ taskId: task.id, mode: 'grant' })
                    }
                  />
                ))}
              </ul>
            </InfoCard>
          </Grid>
        );
      })}
      <EvidenceDialog
        key={`evidence-${evidenceFor}`}
        taskId={evidenceFor}
        onClose={() => setEvidenceFor(undefined)}
        onSubmit={input => {
          const taskId = evidenceFor!;
          setEvidenceFor(undefined);
          write(() => api.addEvidence(ref, taskId, input));
        }}
      />
      <ExemptionDialog
        key={`exemption-${exemptionFor?.taskId}-${exemptionFor?.mode}-${exemptionFor?.notApplicable}`}
        taskId={exemptionFor?.taskId}
        mode={exemptionFor?.mode}
        notApplicable={exemptionFor?.notApplicable}
        request={
          exemptionFor?.mode === 'grant'
            ? states.get(exemptionFor.taskId)?.exemptionRequest
            : undefined
        }
        onClose={() => setExemptionFor(undefined)}
        onSubmit={input => {
          const { taskId, mode, notApplicable } = exemptionFor!;
          setExemptionFor(undefined);
          const body = { expectedVersion: version(taskId), ...input };
          write(() =>
            mode === 'request'
              ? api.requestExemption(ref, taskId, {
                  ...body,
                  ...(notApplicable ? { notApplicable: true } : {}),
                })
              : // Grants the pending request; `reason` is the approver's comment.
                api.grantExemption(ref, taskId, body),
          );
        }}
      />
      <ImportDialog
        entityRef={ref}
        canApply={canEdit}
        open={importing}
        onClose={() => setImporting(false)}
        onApplied={retry}
      />
    </Grid>
  );
}
