import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { ReviewQueueItem } from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { readinessApiRef } from '../../api';
import { humanizeActor } from '../../utils/humanize';
import { DataTable } from '../DataTable';
import { SeverityChip } from '../StatusChip';

const keyOf = (item: ReviewQueueItem) =>
  `${item.entityRef}|${item.taskId}|${item.evidence.id}`;

/** Asks why a piece of evidence is rejected (at least 3 characters). */
function RejectDialog(props: {
  item?: ReviewQueueItem;
  onClose: () => void;
  onReject: (comment: string) => void;
}) {
  const { item } = props;
  const [comment, setComment] = useState('');
  return (
    <Dialog
      open={Boolean(item)}
      onClose={props.onClose}
      aria-labelledby="reject-evidence-title"
    >
      <DialogTitle id="reject-evidence-title">Reject evidence</DialogTitle>
      <DialogContent>
        {item && (
          <DialogContentText>
            {`"${item.evidence.summary}" on task ${item.taskId} ${
              item.taskTitle
            } of ${item.entityRef}, recorded by ${humanizeActor(
              item.evidence.recordedBy,
            )}. The submitter sees your comment.`}
          </DialogContentText>
        )}
        <TextField
          id="reject-evidence-comment"
          label="Why it does not prove the task"
          value={comment}
          onChange={e => setComment(e.target.value)}
          fullWidth
          multiline
          margin="dense"
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="secondary"
          disabled={comment.trim().length < 3}
          onClick={() => props.onReject(comment.trim())}
        >
          Reject
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/**
 * Evidence from other people awaiting a second person's review, with Approve and Reject.
 * Approved evidence counts as reviewed proof; a rejection tells the submitter why.
 */
export function ReviewQueue() {
  const api = useApi(readinessApiRef);
  const queue = useAsyncRetry(() => api.listReviews(), [api]);
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<Error>();
  const [rejecting, setRejecting] = useState<ReviewQueueItem>();

  const review = async (
    item: ReviewQueueItem,
    decision: 'approve' | 'reject',
    comment?: string,
  ) => {
    setBusy(keyOf(item));
    setError(undefined);
    try {
      await api.reviewEvidence(
        parseEntityRef(item.entityRef),
        item.taskId,
        item.evidence.id,
        comment === undefined ? { decision } : { decision, comment },
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(undefined);
      queue.retry();
    }
  };

  const items = queue.value ?? [];
  const what = (item: ReviewQueueItem) =>
    `evidence "${item.evidence.summary}" on task ${item.taskId} of ${item.entityRef}`;
  const columns: TableColumn<ReviewQueueItem>[] = [
    {
      title: 'Service',
      field: 'entityRef',
      render: item => (
        <>
          <EntityRefLink entityRef={item.entityRef} defaultKind="component" />
          {item.owner && (
            <Typography variant="caption" color="textSecondary" component="div">
              {`owner ${humanizeActor(item.owner)}`}
            </Typography>
          )}
        </>
      ),
    },
    {
      title: 'Task',
      field: 'taskId',
      render: item => (
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <span>{`${item.taskId} ${item.taskTitle}`}</span>
          <SeverityChip severity={item.severity} />
        </Box>
      ),
    },
    {
      title: 'Evidence',
      field: 'evidence.summary',
      render: ({ evidence: e }) => (
        <>
          {`${e.kind}: `}
          {e.url ? <Link to={e.url}>{e.summary}</Link> : e.summary}
        </>
      ),
    },
    {
      title: 'Submitted by',
      field: 'evidence.recordedBy',
      render: item => humanizeActor(item.evidence.recordedBy),
    },
    {
      title: 'Recorded',
      field: 'evidence.recordedAt',
      render: ({ evidence: e }) => (
        <time dateTime={e.recordedAt}>{e.recordedAt.slice(0, 10)}</time>
      ),
    },
    {
      title: 'Decision',
      align: 'right',
      sorting: false,
      cellStyle: { whiteSpace: 'nowrap' },
      render: item => (
        <>
          <Button
            size="small"
            color="primary"
            disabled={busy !== undefined}
            onClick={() => review(item, 'approve')}
            aria-label={`Approve ${what(item)}`}
          >
            Approve
          </Button>
          <Button
            size="small"
            disabled={busy !== undefined}
            onClick={() => setRejecting(item)}
            aria-label={`Reject ${what(item)}`}
          >
            Reject
          </Button>
        </>
      ),
    },
  ];
  let content;
  if (queue.loading && !queue.value) {
    content = <Progress />;
  } else if (queue.error) {
    content = <ResponseErrorPanel error={queue.error} />;
  } else if (items.length === 0) {
    content = (
      <Typography variant="body2" color="textSecondary">
        Nothing is waiting for your review.
      </Typography>
    );
  } else {
    content = (
      <DataTable
        label="Review queue"
        rowKey={keyOf}
        columns={columns}
        data={items}
      />
    );
  }

  return (
    <InfoCard
      title={`Review queue${items.length ? ` (${items.length})` : ''}`}
      subheader="People's evidence waiting for a second person: approved evidence counts as reviewed proof"
    >
      {error && <ResponseErrorPanel error={error} />}
      {content}
      <RejectDialog
        key={rejecting ? keyOf(rejecting) : 'none'}
        item={rejecting}
        onClose={() => setRejecting(undefined)}
        onReject={comment => {
          const item = rejecting!;
          setRejecting(undefined);
          review(item, 'reject', comment);
        }}
      />
    </InfoCard>
  );
}
