import { TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import { RollupGroup } from '@prodready/plugin-readiness-common';
import Button from '@material-ui/core/Button';
import { useMemo } from 'react';
import { STATUS_LABELS } from '../../utils/labels';
import { DataTable } from '../DataTable';

/** What the org overview rolls services up by. */
export type GroupBy = 'owner' | 'system' | 'domain' | 'group';

const number = (
  title: string,
  field: string,
  extra: Partial<TableColumn<RollupGroup>> = {},
): TableColumn<RollupGroup> => ({
  title,
  field,
  type: 'numeric',
  cellStyle: { whiteSpace: 'nowrap' },
  headerStyle: { whiteSpace: 'nowrap' },
  ...extra,
});

const byKey = (g: RollupGroup) => g.key;

/** A group key as a link to its catalog page when it is an entity ref. */
function GroupKey({ group }: { group: string }) {
  if (!group.includes(':')) return <>{group}</>;
  return (
    <EntityRefLink entityRef={group} defaultKind={parseEntityRef(group).kind} />
  );
}

/** Scores rolled up per group: services, average, status counts, blockers and stages. */
export function RollupTable({
  groups,
  groupBy,
  onDrill,
}: {
  groups: RollupGroup[];
  groupBy: GroupBy;
  /** With the org chart: opens a group's sub-teams. */
  onDrill?: (group: string) => void;
}) {
  const columns = useMemo(() => {
    const list: TableColumn<RollupGroup>[] = [
      {
        title: groupBy,
        field: 'key',
        render: g => <GroupKey group={g.key} />,
      },
      number('Services', 'services'),
      number('Average', 'average'),
      number(STATUS_LABELS.ready, 'statusCounts.ready'),
      number(STATUS_LABELS.at_risk, 'statusCounts.at_risk'),
      number(STATUS_LABELS.not_ready, 'statusCounts.not_ready'),
      number('Open P0', 'blockers'),
      number('Blocked by dependencies', 'blockedByDependencies', {
        render: g => (
          <span title="Services that depend on a Not ready service">
            {g.blockedByDependencies ?? 0}
          </span>
        ),
        customSort: (a, b) =>
          (a.blockedByDependencies ?? 0) - (b.blockedByDependencies ?? 0),
      }),
      number('Services by phase stage', 'stageCounts', {
        sorting: false,
        render: g => (
          <span title="Services per phase stage reached, from none to the last phase">
            {(g.stageCounts ?? []).join(' · ')}
          </span>
        ),
      }),
    ];
    if (onDrill) {
      list.push({
        title: '',
        sorting: false,
        render: g => (
          <Button
            size="small"
            onClick={() => onDrill(g.key)}
            aria-label={`Sub-teams of ${g.key}`}
          >
            Sub-teams
          </Button>
        ),
      });
    }
    return list;
  }, [groupBy, onDrill]);
  return (
    <DataTable
      label={`Scores by ${groupBy}`}
      rowKey={byKey}
      columns={columns}
      data={groups}
    />
  );
}
