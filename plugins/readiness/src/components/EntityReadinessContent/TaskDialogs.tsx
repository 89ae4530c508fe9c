import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { ExemptionRequest } from '@prodready/plugin-readiness-common';
import { useState } from 'react';
import { humanizeActor } from '../../utils/humanize';

/**
 * Form for new evidence on a task. Only what a person may record is offered; the server
 * assigns the source and the trust.
 */
export function EvidenceDialog(props: {
  taskId?: string;
  onClose: () => void;
  onSubmit: (input: {
    kind: 'link' | 'commit' | 'document' | 'attestation';
    url?: string;
    summary: string;
  }) => void;
}) {
  const [kind, setKind] = useState<
    'link' | 'commit' | 'document' | 'attestation'
  >('link');
  const [url, setUrl] = useState('');
  const [summary, setSummary] = useState('');
  return (
    <Dialog
      open={Boolean(props.taskId)}
      onClose={props.onClose}
      aria-labelledby="evidence-title"
    >
      <DialogTitle id="evidence-title">{`Add evidence to task ${props.taskId}`}</DialogTitle>
      <DialogContent>
        <TextField
          id="evidence-kind"
          select
          label="Kind"
          value={kind}
          onChange={e => setKind(e.target.value as typeof kind)}
          fullWidth
          margin="dense"
        >
          <MenuItem value="link">link</MenuItem>
          <MenuItem value="commit">commit</MenuItem>
          <MenuItem value="document">document</MenuItem>
          <MenuItem value="attestation">attestation (half points)</MenuItem>
        </TextField>
        <DialogContentText variant="body2">
          A link, commit or document counts fully once a second person reviews
          it; until then, and for an attestation, it is a claim worth half
          points, and a P0 task stays a blocker.
        </DialogContentText>
        {kind !== 'attestation' && (
          <TextField
            id="evidence-url"
            label="URL"
            value={url}
            onChange={e => setUrl(e.target.value)}
            fullWidth
            margin="dense"
          />
        )}
        <TextField
          id="evidence-summary"
          label="Summary"
          value={summary}
          onChange={e => setSummary(e.target.value)}
          fullWidth
          margin="dense"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          disabled={!summary.trim() || (kind !== 'attestation' && !url.trim())}
          onClick={() =>
            props.onSubmit({
              kind,
              summary,
              ...(kind !== 'attestation' ? { url } : {}),
            })
          }
        >
          Save evidence
        </Button>
      </DialogActions>
    </Dialog>
  );
}

const ymd = (iso: string) => iso.slice(0, 10);

/**
 * Form to request an exemption (accepted risk) or "not applicable" until a date, or, for
 * an approver, to grant the pending request with a comment.
 */
export function ExemptionDialog(props: {
  taskId?: string;
  /** `request` asks an approver; `grant` approves the pending `request`. */
  mode?: 'grant' | 'request';
  /** Asks for (or grants) "not applicable" instead of an accepted risk. */
  notApplicable?: boolean;
  /** The pending request an approver grants. */
  request?: ExemptionRequest;
  onClose: () => void;
  onSubmit: (input: { reason: string; expiresAt: string }) => void;
}) {
  const { mode, request } = props;
  const granting = mode === 'grant';
  const notApplicable = granting
    ? Boolean(request?.notApplicable)
    : Boolean(props.notApplicable);
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(
    request
      ? ymd(request.expiresAt)
      : ymd(new Date(Date.now() + 90 * 86_400_000).toISOString()),
  );
  const what = notApplicable ? 'not applicable' : 'exemption';
  let reasonLabel = 'Reason (accepted risk)';
  if (granting) reasonLabel = "Approver's comment";
  else if (notApplicable) reasonLabel = 'Why the task does not apply';
  return (
    <Dialog
      open={Boolean(props.taskId)}
      onClose={props.onClose}
      aria-labelledby="exemption-title"
    >
      <DialogTitle id="exemption-title">
        {`${granting ? 'Approve' : 'Request'} ${what} for task ${props.taskId}`}
      </DialogTitle>
      <DialogContent>
        {granting && request && (
          <DialogContentText>
            {`Requested by ${humanizeActor(request.requestedBy)}: ${
              request.reason
            }`}
          </DialogContentText>
        )}
        {!granting && (
          <DialogContentText>
            {notApplicable
              ? 'Another person must approve it; until then the task stays open. Once approved, the task leaves the score.'
              : 'Another person must approve it; until then the task stays open. Once approved, the task counts as satisfied until the date.'}
          </DialogContentText>
        )}
        <TextField
          id="exemption-reason"
          label={reasonLabel}
          value={reason}
          onChange={e => setReason(e.target.value)}
          fullWidth
          margin="dense"
        />
        <TextField
          id="exemption-expires"
          label="Expires on"
          type="date"
          value={until}
          onChange={e => setUntil(e.target.value)}
          fullWidth
          margin="dense"
          InputLabelProps={{ shrink: true }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          disabled={reason.trim().length < 3 || !until}
          onClick={() =>
            props.onSubmit({
              reason: reason.trim(),
              // An unchanged date keeps the requested instant.
              expiresAt:
                request && until === ymd(request.expiresAt)
                  ? request.expiresAt
                  : new Date(`${until}T23:59:59Z`).toISOString(),
            })
          }
        >
          {granting ? 'Approve' : 'Request'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
