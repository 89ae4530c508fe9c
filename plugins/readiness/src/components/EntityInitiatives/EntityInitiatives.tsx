import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { readinessApiRef } from '../../api';
import { useInitiativeLink } from '../../hooks/useReadinessRoutes';
import { deadlineText } from '../../utils/initiatives';
import { InitiativeStateChip } from '../StatusChip';

/**
 * The initiatives a service is in, each with its deadline and what the service still lacks
 * (or that it meets the goal). Renders nothing when the service is in none; a failed fetch
 * leaves only a small note, never breaking the card around it.
 */
export function EntityInitiatives({
  entityRef,
  evaluatedAt,
}: {
  entityRef: CompoundEntityRef;
  /** When the service's score was computed: a new score refetches what it lacks. */
  evaluatedAt?: string;
}) {
  const api = useApi(readinessApiRef);
  // Without the org page in the app, the titles are shown without links.
  const initiativeLink = useInitiativeLink();
  const key = stringifyEntityRef(entityRef);
  const { value, error } = useAsync(
    () => api.getEntityInitiatives(entityRef),
    // The ref object may be rebuilt on every render: its string is the dependency.
    [api, key, evaluatedAt],
  );
  if (error) {
    return (
      <Box mt={2}>
        <Typography
          variant="caption"
          color="textSecondary"
          title={error.message}
        >
          Initiatives could not be loaded.
        </Typography>
      </Box>
    );
  }
  if (!value?.length) return null;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2">Initiatives</Typography>
      <List dense disablePadding aria-label="Initiatives">
        {value.map(i => (
          <ListItem key={i.id} disableGutters>
            <ListItemText
              primary={
                <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                  {initiativeLink ? (
                    <Link to={initiativeLink(i.id)}>{i.title}</Link>
                  ) : (
                    <span>{i.title}</span>
                  )}
                  <InitiativeStateChip state={i.state} />
                </Box>
              }
              secondaryTypographyProps={{ component: 'div' }}
              secondary={
                <>
                  <div>{`Deadline ${i.deadline} (${deadlineText(
                    i.deadline,
                  )})`}</div>
                  <div>
                    {i.met
                      ? '✓ Meets the goal'
                      : `Still lacks: ${i.lacking.join('; ')}`}
                  </div>
                </>
              }
            />
          </ListItem>
        ))}
      </List>
    </Box>
  );
}
