import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import { ImportMapping, ImportPreview } from '../../api';
import { taskStatusLabel } from '../../utils/labels';

const LEAVE_OUT = '__leave_out__';
const AUTOMATIC = '__automatic__';

/**
 * Every task the report names, where it is (line), what it claims and which template task
 * it maps to; each mapping can be corrected before the report is applied.
 */
export function ImportMappingTable(props: {
  preview: ImportPreview;
  corrections: ImportMapping;
  onCorrect: (itemId: string, taskId: string | null | undefined) => void;
}) {
  const { preview, corrections } = props;
  const items = (preview.phases ?? []).flatMap(p =>
    p.tasks.map(t => ({ ...t, phase: p.title })),
  );
  if (!items.length) return null;
  const choice = (id: string) => {
    if (!(id in corrections)) return AUTOMATIC;
    return corrections[id] ?? LEAVE_OUT;
  };
  return (
    <Table size="small" aria-label="Report items">
      <TableHead>
        <TableRow>
          <TableCell>Line</TableCell>
          <TableCell>Report item</TableCell>
          <TableCell>Claims</TableCell>
          <TableCell>Checklist</TableCell>
          <TableCell>Maps to</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(item => (
          <TableRow key={item.id}>
            <TableCell>{item.line}</TableCell>
            <TableCell>
              {`${item.ref ? `${item.ref} ` : ''}${item.title}${
                item.p0 ? ' (P0)' : ''
              }`}
            </TableCell>
            <TableCell>{taskStatusLabel(item.status)}</TableCell>
            <TableCell>
              {item.checklist.length
                ? `${item.checklist.filter(c => c.done).length}/${
                    item.checklist.length
                  }`
                : '—'}
            </TableCell>
            <TableCell>
              <TextField
                select
                size="small"
                inputProps={{ 'aria-label': `Map line ${item.line}` }}
                value={choice(item.id)}
                onChange={e => {
                  const v = e.target.value as string;
                  if (v === AUTOMATIC) props.onCorrect(item.id, undefined);
                  else props.onCorrect(item.id, v === LEAVE_OUT ? null : v);
                }}
              >
                <MenuItem value={AUTOMATIC}>
                  {item.mappedTo && !(item.id in corrections)
                    ? `${item.mappedTo.taskId} ${
                        item.mappedTo.title
                      } (${Math.round(item.mappedTo.confidence * 100)}% sure)`
                    : 'Automatic'}
                </MenuItem>
                <MenuItem value={LEAVE_OUT}>Leave out</MenuItem>
                {(preview.templateTasks ?? []).map(t => (
                  <MenuItem key={t.id} value={t.id}>
                    {`${t.id} ${t.title}`}
                  </MenuItem>
                ))}
              </TextField>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
