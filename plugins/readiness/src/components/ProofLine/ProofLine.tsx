import { Link } from '@backstage/core-components';
import { CheckRun, TemplateTask } from '@prodready/plugin-readiness-common';
import Typography from '@material-ui/core/Typography';
import { CHECK_OUTCOME_COLORS } from '../../utils/labels';
import { describeProof } from '../../utils/proof';

/** One line saying which check proves a task and when it last ran, linking what it read. */
export function ProofLine(props: {
  task: Pick<TemplateTask, 'id' | 'verification'>;
  run?: CheckRun;
}) {
  const proof = describeProof(props.task, props.run);
  return (
    <Typography
      variant="body2"
      component="span"
      display="block"
      color={
        proof.outcome ? CHECK_OUTCOME_COLORS[proof.outcome] : 'textSecondary'
      }
      aria-label={`Proof of task ${props.task.id}`}
      style={{ whiteSpace: 'normal', overflowWrap: 'anywhere' }}
    >
      {proof.by}
      {proof.lastRun && ' · '}
      {proof.lastRun && proof.url ? (
        <Link to={proof.url}>{proof.lastRun}</Link>
      ) : (
        proof.lastRun
      )}
    </Typography>
  );
}
