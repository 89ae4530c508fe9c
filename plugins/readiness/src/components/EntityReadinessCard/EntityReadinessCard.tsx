import {
  Gauge,
  InfoCard,
  Link,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATION_BACKUP_POLICY,
  ANNOTATION_SENTRY_PROJECT_SLUG,
  EntityReadinessResponse,
  EntityReadinessSummary,
  summarizeEntityReadiness,
} from '@prodready/plugin-readiness-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEntitySummary } from '../../hooks/useEntityReadiness';
import { EntityInitiatives } from '../EntityInitiatives';
import { ProofLine } from '../ProofLine';
import { ReadinessStatusChip } from '../StatusChip';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  BLOCKER_REASONS,
  STATUS_GAUGE_COLORS,
  STATUS_LABELS,
} from '../../utils/labels';
import { stageLabel } from '../../utils/stage';

const useStyles = makeStyles(theme => ({
  bar: { height: 8, borderRadius: 4 },
  section: { marginTop: theme.spacing(2) },
  wrap: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
}));

const daysAgo = (iso: string, now = Date.now()) => {
  const days = Math.floor((now - Date.parse(iso)) / 86_400_000);
  if (days <= 0) return 'today';
  return days === 1 ? '1 day ago' : `${days} days ago`;
};

/** Evidence that has expired or will within 30 days, soonest first. */
function ExpiringEvidence({ data }: { data: EntityReadinessSummary }) {
  const items = data.expiring;
  if (!items.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        None
      </Typography>
    );
  }
  return (
    <List dense disablePadding aria-label="Expiring evidence">
      {items.map(e => (
        <ListItem key={e.id} disableGutters>
          <ListItemText
            primary={`${e.taskId}: ${e.summary}`}
            secondary={
              Date.parse(e.expiresAt) < Date.now()
                ? `expired ${daysAgo(e.expiresAt)}`
                : `expires ${e.expiresAt.slice(0, 10)}`
            }
          />
        </ListItem>
      ))}
    </List>
  );
}

/** Sentry project, backup policy and runbooks of a service. */
function ServiceLinks({ data }: { data: EntityReadinessSummary }) {
  const { sentry, backupPolicy: policy, runbooks } = data;
  return (
    <List dense disablePadding aria-label="Service links">
      <ListItem disableGutters>
        <ListItemText
          primary="Sentry project"
          secondary={
            // eslint-disable-next-line no-nested-ternary
            sentry ? (
              sentry.url ? (
                <Link to={sentry.url}>{sentry.project}</Link>
              ) : (
                sentry.project
              )
            ) : (
              'none declared'
            )
          }
        />
      </ListItem>
      <ListItem disableGutters>
        <ListItemText
          primary={policy ? `Backup: ${policy.title}` : 'Backup policy'}
          secondary={
            policy
              ? `RPO ${policy.rpoHours} h · RTO ${
                  policy.rtoHours
                } h · retention ${policy.retentionDays} d · drill every ${
                  policy.restoreDrillEveryDays
                } d · last drill ${
                  policy.lastDrillAt
                    ? daysAgo(policy.lastDrillAt)
                    : 'never reported'
                }`
              : 'none declared'
          }
        />
      </ListItem>
      {runbooks.length === 0 ? (
        <ListItem disableGutters>
          <ListItemText primary="Runbooks" secondary="none linked" />
        </ListItem>
      ) : (
        runbooks.map(r => (
          <ListItem key={r.id} disableGutters>
            <ListItemText
              primary={
                <Link to={r.url}>{`Runbook (${r.type}): ${r.title}`}</Link>
              }
              secondary={
                r.lastReviewedAt
                  ? `reviewed ${daysAgo(r.lastReviewedAt)}`
                  : 'never reviewed'
              }
            />
          </ListItem>
        ))
      )}
    </List>
  );
}

/**
 * Score, status, dimensions, phases and blockers of a readiness plan: the card shows the
 * summary read, the tab its full read summarised the same way (the common package's
 * `summarizeEntityReadiness`).
 */
export function ReadinessSummary(props: {
  data: EntityReadinessSummary | EntityReadinessResponse;
}) {
  const classes = useStyles();
  const data =
    'template' in props.data
      ? summarizeEntityReadiness(props.data)
      : props.data;
  const { score } = data;
  const next = data.next;
  const proofs = new Map(data.blockerProofs.map(p => [p.taskId, p]));
  const notReadyDependencies = data.notReadyDependencies;
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} sm={4}>
        <Box display="flex" flexDirection="column" alignItems="center">
          <Box
            width={140}
            aria-label={`Readiness score ${score.overall} of 100`}
            role="img"
          >
            <Gauge
              value={score.overall / 100}
              fractional
              unit=""
              getColor={({ palette }) =>
                palette.status[STATUS_GAUGE_COLORS[score.status]]
              }
            />
          </Box>
          <ReadinessStatusChip status={score.status} />
          <Typography
            variant="body2"
            align="center"
            aria-label="Phase stage"
            title="The last phase, counted from the first, whose P0 and P1 tasks are all proven"
          >
            {stageLabel(score.stage)}
          </Typography>
          {score.capped && (
            <Typography variant="caption" color="textSecondary" align="center">
              Capped at {score.overall} by open P0 blockers (uncapped{' '}
              {score.uncapped})
            </Typography>
          )}
        </Box>
      </Grid>
      <Grid item xs={12} sm={8}>
        <Typography variant="subtitle2">Dimensions</Typography>
        {score.dimensions.map(d => (
          <Box key={d.id} mb={1}>
            <Box display="flex" justifyContent="space-between">
              <Typography variant="body2">{d.title}</Typography>
              <Typography variant="body2">
                {d.score === null ? 'n/a' : d.score}
              </Typography>
            </Box>
            <LinearProgress
              className={classes.bar}
              variant="determinate"
              value={d.score ?? 0}
              aria-label={`${d.title} score`}
            />
          </Box>
        ))}
      </Grid>
      <Grid item xs={12} sm={6}>
        <Typography variant="subtitle2">Phases</Typography>
        <List dense disablePadding aria-label="Phase progress">
          {score.phases.map((p, i) => (
            <ListItem key={p.id} disableGutters>
              <ListItemText
                primary={`${i + 1}. ${p.title}`}
                secondary={`${p.satisfied}/${p.applicable} tasks · ${p.earned}/${p.possible} points`}
              />
            </ListItem>
          ))}
        </List>
      </Grid>
      <Grid item xs={12} sm={6}>
        <Typography variant="subtitle2">
          Open P0 blockers ({score.blockers.length})
        </Typography>
        {score.blockers.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            None
          </Typography>
        ) : (
          <List dense disablePadding aria-label="Open P0 blockers">
            {score.blockers.map(b => {
              const proof = proofs.get(b.taskId);
              return (
                <ListItem key={b.taskId} disableGutters>
                  <ListItemText
                    classes={{ primary: classes.wrap, secondary: classes.wrap }}
                    primary={`${b.taskId} ${b.title}`}
                    secondaryTypographyProps={{ component: 'div' }}
                    secondary={
                      <>
                        {BLOCKER_REASONS[b.kind]}
                        {proof && (
                          <ProofLine
                            task={{
                              id: proof.taskId,
                              verification: proof.verification,
                            }}
                            run={proof.run}
                          />
                        )}
                      </>
                    }
                  />
                </ListItem>
              );
            })}
          </List>
        )}
        {notReadyDependencies.length > 0 && (
          <>
            <Typography variant="subtitle2" className={classes.section}>
              Depends on not-ready services
            </Typography>
            <List dense disablePadding aria-label="Not-ready dependencies">
              {notReadyDependencies.map(d => (
                <ListItem key={d.entityRef} disableGutters>
                  <ListItemText
                    classes={{ primary: classes.wrap }}
                    primary={
                      <EntityRefLink
                        entityRef={d.entityRef}
                        defaultKind="component"
                      />
                    }
                    secondary={`${STATUS_LABELS.not_ready}, ${d.overall}: a failure there reaches this service`}
                  />
                </ListItem>
              ))}
            </List>
          </>
        )}
        <Typography variant="subtitle2" className={classes.section}>
          Worth the most next
        </Typography>
        {next.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            Nothing left that would raise the score
          </Typography>
        ) : (
          <List dense disablePadding aria-label="Tasks worth the most">
            {next.map(w => (
              <ListItem key={w.taskId} disableGutters>
                <ListItemText
                  classes={{ primary: classes.wrap }}
                  primary={`${w.taskId} ${w.title}`}
                  secondary={`+${w.gain} points once proven`}
                />
              </ListItem>
            ))}
          </List>
        )}
      </Grid>
      <Grid item xs={12}>
        <Typography variant="subtitle2">
          Evidence expired or expiring within 30 days
        </Typography>
        <ExpiringEvidence data={data} />
      </Grid>
      <Grid item xs={12}>
        <Typography variant="subtitle2">
          Sentry, backups and runbooks
        </Typography>
        <ServiceLinks data={data} />
      </Grid>
    </Grid>
  );
}

/**
 * Readiness card for an entity's overview page.
 * @public
 */
export function EntityReadinessCard() {
  const { entity } = useEntity();
  const { loading, error, value, registered } = useEntitySummary(entity);

  let content;
  if (!registered) {
    content = (
      <MissingAnnotationEmptyState
        annotation={[ANNOTATION_SENTRY_PROJECT_SLUG, ANNOTATION_BACKUP_POLICY]}
      />
    );
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (value) {
    content = (
      <>
        <ReadinessSummary data={value} />
        <EntityInitiatives
          entityRef={getCompoundEntityRef(entity)}
          evaluatedAt={value.score.evaluatedAt}
        />
      </>
    );
  }
  return <InfoCard title="Production readiness">{content}</InfoCard>;
}
