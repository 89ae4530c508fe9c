import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';

/** Form for new evidence on a task. */
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
          onChange={e => setKind(e.target.value as any)}
          fullWidth
          margin="dense"
        >
          <MenuItem value="link">link</MenuItem>
          <MenuItem value="commit">commit</MenuItem>
          <MenuItem value="document">document</MenuItem>
          <MenuItem value="attestation">attestation (half points)</MenuItem>
        </TextField>
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

/** Form to grant an exemption (accepted risk) until a date. */
export function ExemptionDialog(props: {
  taskId?: string;
  /** `request` asks an approver; `grant` approves directly. */
  mode?: 'grant' | 'request';
  onClose: () => void;
  onSubmit: (input: { reason: string; expiresAt: string }) => void;
}) {
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(
    new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10),
  );
  return (
    <Dialog
      open={Boolean(props.taskId)}
      onClose={props.onClose}
      aria-labelledby="exemption-title"
    >
      <DialogTitle id="exemption-title">
        {`${
          props.mode === 'request' ? 'Request' : 'Grant'
        } exemption for task ${props.taskId}`}
      </DialogTitle>
      <DialogContent>
        <TextField
          id="exemption-reason"
          label="Reason (accepted risk)"
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
              reason,
              expiresAt: new Date(`${until}T23:59:59Z`).toISOString(),
            })
          }
        >
          {props.mode === 'request' ? 'Request' : 'Grant'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
