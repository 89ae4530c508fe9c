import { Link } from '@backstage/core-components';
import {
  CheckRun,
  Evidence,
  Exemption,
  ExemptionRequest,
  SETTABLE_TASK_STATUSES,
  TaskEvaluation,
  TaskState,
  TaskStatus,
  TemplateTask,
} from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { humanizeActor } from '../../utils/humanize';
import {
  TASK_KIND_LABELS,
  TASK_STATUS_LABELS,
  provenance,
} from '../../utils/labels';
import { ProofLine } from '../ProofLine';
import { SeverityChip, TrustChip } from '../StatusChip';

const useStyles = makeStyles(theme => ({
  evidence: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    listStyle: 'none',
    padding: theme.spacing(0.25, 0),
  },
}));

const days = (iso: string, now = Date.now()) =>
  Math.round((Date.parse(iso) - now) / 86_400_000);

const isActive = (e: { expiresAt: string } | undefined) =>
  e !== undefined && Date.parse(e.expiresAt) > Date.now();

/** One piece of evidence: its provenance, what it is, who recorded it and when it expires. */
function EvidenceItem({ evidence: e }: { evidence: Evidence }) {
  const classes = useStyles();
  const p = provenance(e);
  const left = e.expiresAt ? days(e.expiresAt) : undefined;
  let expiry = '';
  if (left !== undefined)
    expiry =
      left < 0 ? ` · expired ${-left} days ago` : ` · expires in ${left} days`;
  return (
    <li className={classes.evidence} aria-label={`Evidence: ${e.summary}`}>
      <TrustChip evidence={e} />
      <Typography variant="body2" component="span">
        {`${e.kind} (${e.source}): `}
        {e.url ? <Link to={e.url}>{e.summary}</Link> : e.summary}
        {` · recorded ${-days(e.recordedAt)} days ago by ${humanizeActor(
          e.recordedBy,
        )}${expiry}`}
      </Typography>
      {p.detail && (
        <Typography variant="body2" component="span" color="error">
          {p.detail}
        </Typography>
      )}
    </li>
  );
}

/** A granted exemption, or a granted "not applicable". */
function exemptionText(x: Exemption): string {
  const until = x.expiresAt.slice(0, 10);
  const approved = `approved by ${humanizeActor(x.approvedBy)}`;
  const head = x.notApplicable
    ? `Not applicable (${approved})`
    : `Exempt (${approved})`;
  const state = isActive(x) ? `until ${until}` : `expired on ${until}`;
  const requested = x.requestedBy
    ? ` · requested by ${humanizeActor(x.requestedBy)}`
    : '';
  const comment = x.comment ? ` · approver's comment: ${x.comment}` : '';
  return `${head} ${state}: ${x.reason}${requested}${comment}`;
}

function requestText(r: ExemptionRequest): string {
  return `${
    r.notApplicable ? 'Not applicable' : 'Exemption'
  } requested by ${humanizeActor(r.requestedBy)} until ${r.expiresAt.slice(
    0,
    10,
  )}: ${r.reason} (waiting for an approver)`;
}

/** One task of a plan: status, checklist, evidence and exemption, editable when allowed. */
export function TaskRow(props: {
  task: TemplateTask;
  state?: TaskState;
  /** The last run of the task's automatic check. */
  checkRun?: CheckRun;
  evaluation?: TaskEvaluation;
  gain?: number;
  canEdit: boolean;
  canApprove: boolean;
  busy: boolean;
  onStatus: (status: TaskStatus) => void;
  onChecklist: (itemId: string, done: boolean) => void;
  onAddEvidence: () => void;
  onRequestExemption: () => void;
  /** Asks for the task to be treated as not applicable; never offered on a P0. */
  onRequestNotApplicable: () => void;
  /** Opens the approval of the pending request. */
  onApproveRequest: () => void;
}) {
  const { task, state, evaluation } = props;
  const status = state?.status ?? 'todo';
  const evidence = state?.evidence ?? [];
  const canRequest =
    props.canEdit && !isActive(state?.exemption) && !state?.exemptionRequest;
  return (
    <Box
      py={1.5}
      borderBottom={1}
      borderColor="divider"
      component="li"
      style={{ listStyle: 'none' }}
      aria-label={`Task ${task.id}`}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography
          variant="subtitle1"
          component="h4"
          style={{ flex: 1, minWidth: 240 }}
        >
          {task.id} {task.title}
        </Typography>
        <SeverityChip severity={task.severity} />
        <Typography variant="body2" color="textSecondary">
          {evaluation
            ? `${evaluation.earned}/${task.points} pts · ${
                evaluation.refuted
                  ? 'an automatic check failed after its last proof'
                  : TASK_KIND_LABELS[evaluation.kind]
              }`
            : `${task.points} pts`}
          {props.gain ? ` · +${props.gain} overall once proven` : ''}
        </Typography>
        <Select
          value={status}
          disabled={!props.canEdit || props.busy}
          onChange={e => props.onStatus(e.target.value as TaskStatus)}
          inputProps={{ 'aria-label': `Status of task ${task.id}` }}
        >
          {SETTABLE_TASK_STATUSES.map(s => (
            <MenuItem key={s} value={s}>
              {TASK_STATUS_LABELS[s]}
            </MenuItem>
          ))}
          {status === 'not_applicable' && (
            // Stored before "not applicable" became an exemption; it cannot be set again.
            <MenuItem value="not_applicable" disabled>
              {TASK_STATUS_LABELS.not_applicable}
            </MenuItem>
          )}
        </Select>
      </Box>
      {task.description && (
        <Typography variant="body2" color="textSecondary">
          {task.description}
        </Typography>
      )}
      <ProofLine task={task} run={props.checkRun} />
      {task.checklist.length > 0 && (
        <Box display="flex" flexWrap="wrap">
          {task.checklist.map(item => (
            <FormControlLabel
              key={item.id}
              label={item.title}
              control={
                <Checkbox
                  size="small"
                  checked={Boolean(state?.checklist[item.id])}
                  disabled={!props.canEdit || props.busy}
                  onChange={e => props.onChecklist(item.id, e.target.checked)}
                />
              }
            />
          ))}
        </Box>
      )}
      {evidence.length > 0 && (
        <ul
          style={{ padding: 0, margin: 0 }}
          aria-label={`Evidence of task ${task.id}`}
        >
          {evidence.map(e => (
            <EvidenceItem key={e.id} evidence={e} />
          ))}
        </ul>
      )}
      {state?.exemption && (
        <Typography variant="body2" color="secondary">
          {exemptionText(state.exemption)}
        </Typography>
      )}
      {state?.exemptionRequest && (
        <Typography variant="body2" color="textSecondary">
          {requestText(state.exemptionRequest)}
        </Typography>
      )}
      {state?.notes && (
        <Typography variant="body2" color="textSecondary">
          Notes: {state.notes}
        </Typography>
      )}
      <Box>
        {props.canEdit && (
          <Button
            size="small"
            onClick={props.onAddEvidence}
            disabled={props.busy}
            aria-label={`Add evidence to task ${task.id}`}
          >
            Add evidence
          </Button>
        )}
        {props.canApprove && state?.exemptionRequest && (
          <Button
            size="small"
            color="primary"
            onClick={props.onApproveRequest}
            disabled={props.busy}
            aria-label={`Approve requested exemption for task ${task.id}`}
          >
            Approve request
          </Button>
        )}
        {canRequest && (
          <Button
            size="small"
            onClick={props.onRequestExemption}
            disabled={props.busy}
            aria-label={`Request exemption for task ${task.id}`}
          >
            Request exemption
          </Button>
        )}
        {canRequest && task.severity !== 'p0' && (
          <Button
            size="small"
            onClick={props.onRequestNotApplicable}
            disabled={props.busy}
            aria-label={`Request not applicable for task ${task.id}`}
          >
            Request not applicable
          </Button>
        )}
      </Box>
    </Box>
  );
}
