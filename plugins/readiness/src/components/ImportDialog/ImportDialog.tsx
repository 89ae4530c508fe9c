import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { ImportMapping, ImportPreview, readinessApiRef } from '../../api';
import { taskStatusLabel } from '../../utils/labels';
import { ImportMappingTable } from './ImportMappingTable';

/** Paste a markdown readiness report, preview what it maps to, then apply it. */
export function ImportDialog(props: {
  entityRef: CompoundEntityRef;
  canApply: boolean;
  open: boolean;
  onClose: () => void;
  onApplied: () => void;
}) {
  const api = useApi(readinessApiRef);
  const [markdown, setMarkdown] = useState('');
  const [preview, setPreview] = useState<ImportPreview>();
  const [corrections, setCorrections] = useState<ImportMapping>({});
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  // Only send corrections when there are some: the plain call stays the plain request.
  const withCorrections = (c: ImportMapping) =>
    Object.keys(c).length ? [c] : [];
  const runPreview = (c: ImportMapping) =>
    run(async () =>
      setPreview(
        await api.previewImport(
          props.entityRef,
          markdown,
          ...withCorrections(c),
        ),
      ),
    );
  const correct = (itemId: string, taskId: string | null | undefined) => {
    const next = { ...corrections };
    if (taskId === undefined) delete next[itemId];
    else next[itemId] = taskId;
    setCorrections(next);
    runPreview(next);
  };

  return (
    <Dialog
      open={props.open}
      onClose={props.onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="readiness-import-title"
    >
      <DialogTitle id="readiness-import-title">
        Import a markdown readiness report
      </DialogTitle>
      <DialogContent>
        <TextField
          id="readiness-import-markdown"
          label="Markdown report"
          multiline
          minRows={8}
          fullWidth
          variant="outlined"
          value={markdown}
          onChange={e => {
            setMarkdown(e.target.value);
            setPreview(undefined);
            setCorrections({});
          }}
        />
        {error && <ResponseErrorPanel error={error} />}
        {preview && (
          <>
            <Typography variant="subtitle2" style={{ marginTop: 16 }}>
              {`The report claims ${
                preview.claimedScore ?? 'no score'
              }; applied as claims it would be worth ${
                preview.evidenceBasedScore
              }. Claimed "done" counts half until evidence is added.`}
            </Typography>
            <ImportMappingTable
              preview={preview}
              corrections={corrections}
              onCorrect={correct}
            />
            <List dense aria-label="Import mapping">
              {preview.mapping.map(m => (
                <ListItem key={m.taskId} disableGutters>
                  <ListItemText
                    primary={`${m.taskId} ${m.title}: ${taskStatusLabel(
                      m.status,
                    )}`}
                    secondary={`from: ${m.from.join('; ')}`}
                  />
                </ListItem>
              ))}
            </List>
            {preview.blockers.some(b => b.open) && (
              <>
                <Typography variant="subtitle2">
                  Blockers the report names
                </Typography>
                <List dense aria-label="Reported blockers">
                  {preview.blockers
                    .filter(b => b.open)
                    .map(b => (
                      <ListItem key={`${b.line}-${b.text}`} disableGutters>
                        <ListItemText
                          primary={b.text}
                          secondary={b.line ? `line ${b.line}` : undefined}
                        />
                      </ListItem>
                    ))}
                </List>
              </>
            )}
            {(preview.unmapped ?? []).length > 0 && (
              <>
                <Typography variant="subtitle2">Not imported</Typography>
                <List dense aria-label="Not imported">
                  {preview.unmapped!.map(u => (
                    <ListItem key={`${u.line}-${u.text}`} disableGutters>
                      <ListItemText
                        primary={`Line ${u.line}: ${u.text}`}
                        secondary={u.reason}
                      />
                    </ListItem>
                  ))}
                </List>
              </>
            )}
            {preview.warnings.length > 0 && (
              <List dense aria-label="Import warnings">
                {preview.warnings.map(w => (
                  <ListItem key={w} disableGutters>
                    <ListItemText primary={w} />
                  </ListItem>
                ))}
              </List>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
        <Button
          disabled={!markdown.trim() || busy}
          onClick={() => runPreview(corrections)}
        >
          Preview
        </Button>
        {props.canApply && (
          <Button
            color="primary"
            variant="contained"
            disabled={!preview || busy}
            onClick={() =>
              run(async () => {
                await api.applyImport(
                  props.entityRef,
                  markdown,
                  ...withCorrections(corrections),
                );
                props.onApplied();
                props.onClose();
              })
            }
          >
            Apply
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}
