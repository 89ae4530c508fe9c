import { InitiativeState } from '@prodready/plugin-readiness-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { INITIATIVE_STATE_LABELS } from '../../utils/initiatives';

const useStyles = makeStyles(theme => ({
  upcoming: {},
  active: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  met: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  overdue: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
}));

/** The state of an initiative (upcoming, active, met, overdue) as a chip. */
export function InitiativeStateChip({ state }: { state: InitiativeState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={INITIATIVE_STATE_LABELS[state]}
      className={classes[state]}
      aria-label={`State: ${INITIATIVE_STATE_LABELS[state]}`}
    />
  );
}
