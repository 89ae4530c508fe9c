import { Link } from '@backstage/core-components';
import {
  TASK_STATUSES,
  TaskEvaluation,
  TaskState,
  TaskStatus,
  TemplateTask,
} from '@internal/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Chip from '@material-ui/core/Chip';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';

const KIND_LABELS: Record<string, string> = {
  proven: 'proven',
  attested: 'claimed, no evidence (half points)',
  expired: 'evidence expired',
  exempt: 'exempt',
  not_applicable: 'not applicable',
  open: 'open',
};

const days = (iso: string, now = Date.now()) =>
  Math.round((Date.parse(iso) - now) / 86_400_000);

/** One task of a plan: status, checklist, evidence and exemption, editable when allowed. */
export function TaskRow(props: {
  task: TemplateTask;
  state?: TaskState;
  evaluation?: TaskEvaluation;
  gain?: number;
  canEdit: boolean;
  canApprove: boolean;
  busy: boolean;
  onStatus: (status: TaskStatus) => void;
  onChecklist: (itemId: string, done: boolean) => void;
  onAddEvidence: () => void;
  onGrantExemption: () => void;
  onRequestExemption: () => void;
  onApproveRequest: () => void;
}) {
  const { task, state, evaluation } = props;
  const status = state?.status ?? 'todo';
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
        <Chip
          size="small"
          label={task.severity.toUpperCase()}
          color={task.severity === 'p0' ? 'secondary' : 'default'}
        />
        <Typography variant="body2" color="textSecondary">
          {evaluation
            ? `${evaluation.earned}/${task.points} pts · ${
                KIND_LABELS[evaluation.kind]
              }`
            : `${task.points} pts`}
          {props.gain ? ` · +${props.gain} overall with evidence` : ''}
        </Typography>
        <Select
          value={status}
          disabled={!props.canEdit || props.busy}
          onChange={e => props.onStatus(e.target.value as TaskStatus)}
          inputProps={{ 'aria-label': `Status of task ${task.id}` }}
        >
          {TASK_STATUSES.map(s => (
            <MenuItem key={s} value={s}>
              {s.replace('_', ' ')}
            </MenuItem>
          ))}
        </Select>
      </Box>
      {task.description && (
        <Typography variant="body2" color="textSecondary">
          {task.description}
        </Typography>
      )}
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
      {(state?.evidence ?? []).map(e => {
        const left = e.expiresAt ? days(e.expiresAt) : undefined;
        let expiry = '';
        if (left !== undefined)
          expiry =
            left < 0
              ? ` · expired ${-left} days ago`
              : ` · expires in ${left} days`;
        return (
          <Typography key={e.id} variant="body2">
            {`${e.kind} (${e.source}): `}
            {e.url ? <Link to={e.url}>{e.summary}</Link> : e.summary}
            {` · recorded ${-days(e.recordedAt)} days ago by ${
              e.recordedBy
            }${expiry}`}
          </Typography>
        );
      })}
      {state?.exemption && (
        <Typography variant="body2" color="secondary">
          {`Exempt until ${state.exemption.expiresAt.slice(
            0,
            10,
          )} (approved by ${state.exemption.approvedBy}): ${
            state.exemption.reason
          }`}
        </Typography>
      )}
      {state?.exemptionRequest && (
        <Typography variant="body2" color="textSecondary">
          {`Exemption requested by ${
            state.exemptionRequest.requestedBy
          } until ${state.exemptionRequest.expiresAt.slice(0, 10)}: ${
            state.exemptionRequest.reason
          } (waiting for an approver)`}
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
        {props.canEdit &&
          !props.canApprove &&
          !state?.exemption &&
          !state?.exemptionRequest && (
            <Button
              size="small"
              onClick={props.onRequestExemption}
              disabled={props.busy}
              aria-label={`Request exemption for task ${task.id}`}
            >
              Request exemption
            </Button>
          )}
        {props.canApprove && !state?.exemption && (
          <Button
            size="small"
            onClick={props.onGrantExemption}
            disabled={props.busy}
            aria-label={`Grant exemption for task ${task.id}`}
          >
            Grant exemption
          </Button>
        )}
      </Box>
    </Box>
  );
}
