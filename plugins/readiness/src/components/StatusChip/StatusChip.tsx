import {
  Evidence,
  InitiativeState,
  ReadinessStatus,
  TaskSeverity,
} from '@prodready/plugin-readiness-common';
import Chip, { ChipProps } from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import {
  INITIATIVE_STATE_LABELS,
  provenance,
  INITIATIVE_STATE_TONES,
  STATUS_LABELS,
  STATUS_TONES,
  TRUST_CHIPS,
  Tone,
  severityLabel,
} from '../../utils/labels';

const useStyles = makeStyles(theme => {
  const filled = (c: 'success' | 'info' | 'warning' | 'error') => ({
    backgroundColor: theme.palette[c].main,
    color: theme.palette[c].contrastText,
  });
  return {
    default: {},
    success: filled('success'),
    info: filled('info'),
    warning: filled('warning'),
    error: filled('error'),
    outlinedDefault: {},
    outlinedSuccess: { borderColor: theme.palette.success.main },
    outlinedInfo: { borderColor: theme.palette.info.main },
    outlinedWarning: { borderColor: theme.palette.warning.main },
    outlinedError: {
      borderColor: theme.palette.error.main,
      color: theme.palette.error.main,
    },
  };
});

const OUTLINED = {
  default: 'outlinedDefault',
  success: 'outlinedSuccess',
  info: 'outlinedInfo',
  warning: 'outlinedWarning',
  error: 'outlinedError',
} as const;

/** A chip coloured by one of the theme's status tones: filled, or outlined for weaker states. */
export function StatusChip({
  tone,
  variant = 'default',
  ...props
}: Omit<ChipProps, 'color' | 'variant'> & {
  tone: Tone;
  variant?: 'default' | 'outlined';
}) {
  const classes = useStyles();
  return (
    <Chip
      {...props}
      variant={variant}
      className={classes[variant === 'outlined' ? OUTLINED[tone] : tone]}
    />
  );
}

/** Ready, At risk or Not ready, labelled "Status: …" for assistive technology. */
export function ReadinessStatusChip({
  status,
  size,
}: {
  status: ReadinessStatus;
  size?: 'small' | 'medium';
}) {
  return (
    <StatusChip
      size={size}
      tone={STATUS_TONES[status]}
      label={STATUS_LABELS[status]}
      aria-label={`Status: ${STATUS_LABELS[status]}`}
    />
  );
}

/** The state of an initiative (upcoming, active, met, overdue), labelled "State: …". */
export function InitiativeStateChip({ state }: { state: InitiativeState }) {
  return (
    <StatusChip
      size="small"
      tone={INITIATIVE_STATE_TONES[state]}
      label={INITIATIVE_STATE_LABELS[state]}
      aria-label={`State: ${INITIATIVE_STATE_LABELS[state]}`}
    />
  );
}

/** How far a piece of evidence can be trusted: Verified, Reviewed by …, Claimed, … */
export function TrustChip({ evidence }: { evidence: Evidence }) {
  const p = provenance(evidence);
  const { tone, variant } = TRUST_CHIPS[p.tone];
  return (
    <StatusChip
      size="small"
      label={p.label}
      title={p.description}
      tone={tone}
      variant={variant}
    />
  );
}

/** A task's severity (P0, P1, P2), P0 in the secondary colour. */
export function SeverityChip({ severity }: { severity: TaskSeverity }) {
  return (
    <Chip
      size="small"
      label={severityLabel(severity)}
      color={severity === 'p0' ? 'secondary' : 'default'}
    />
  );
}
