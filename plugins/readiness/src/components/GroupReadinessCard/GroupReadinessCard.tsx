import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import {
  RollupGroup,
  ServiceScoreRow,
} from '@prodready/plugin-readiness-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { readinessApiRef } from '../../api';
import { STATUS_LABELS } from '../../utils/labels';
import { DataTable } from '../DataTable';

const serviceKey = (s: ServiceScoreRow) => s.entityRef;
const groupKey = (g: RollupGroup) => g.key;

const serviceColumns: TableColumn<ServiceScoreRow>[] = [
  {
    title: 'Service',
    field: 'entityRef',
    render: s => (
      <EntityRefLink entityRef={s.entityRef} defaultKind="component" />
    ),
  },
  { title: 'Score', field: 'overall', type: 'numeric' },
  {
    title: 'Status',
    field: 'status',
    render: s => STATUS_LABELS[s.status],
  },
  { title: 'Open P0', field: 'blockers', type: 'numeric' },
];

const subTeamColumns: TableColumn<RollupGroup>[] = [
  {
    title: 'Group',
    field: 'key',
    render: g => <EntityRefLink entityRef={g.key} defaultKind="group" />,
  },
  { title: 'Services', field: 'services', type: 'numeric' },
  { title: 'Average', field: 'average', type: 'numeric' },
  {
    title: STATUS_LABELS.not_ready,
    field: 'statusCounts.not_ready',
    type: 'numeric',
  },
  { title: 'Open P0', field: 'blockers', type: 'numeric' },
];

/**
 * Readiness of a team's services, for Group entity pages, lowest score first.
 * @public
 */
export function GroupReadinessCard() {
  const { entity } = useEntity();
  const api = useApi(readinessApiRef);
  const owner = stringifyEntityRef(entity);
  const { loading, error, value } = useAsync(
    () =>
      api.listServices({ owner, sort: 'overall', order: 'asc', limit: 100 }),
    [api, owner],
  );
  // The groups beneath this one (org chart), each over everything beneath it.
  const subTeams = useAsync(
    () => api.getRollup('group', {}, owner),
    [api, owner],
  );
  let content;
  if (loading) content = <Progress />;
  else if (error) content = <ResponseErrorPanel error={error} />;
  else if (!value?.items.length) {
    content = (
      <Typography variant="body2" color="textSecondary">
        This team owns no services registered for readiness.
      </Typography>
    );
  } else {
    content = (
      <DataTable
        label="Team services readiness"
        rowKey={serviceKey}
        columns={serviceColumns}
        data={value.items}
      />
    );
  }
  return (
    <InfoCard title="Production readiness of the team's services">
      {content}
      {(subTeams.value ?? []).length > 0 && (
        <>
          <Typography variant="subtitle2" style={{ marginTop: 16 }}>
            Sub-teams
          </Typography>
          <DataTable
            label="Sub-teams readiness"
            rowKey={groupKey}
            columns={subTeamColumns}
            data={subTeams.value!}
          />
        </>
      )}
    </InfoCard>
  );
}
