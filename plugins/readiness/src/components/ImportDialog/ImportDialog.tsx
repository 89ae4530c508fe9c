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
import { ImportPreview, readinessApiRef } from '../../api';

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
            <List dense aria-label="Import mapping">
              {preview.mapping.map(m => (
                <ListItem key={m.taskId} disableGutters>
                  <ListItemText
                    primary={`${m.taskId} ${m.title}: ${m.status}`}
                    secondary={`from: ${m.from.join('; ')}`}
                  />
                </ListItem>
              ))}
            </List>
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
          onClick={() =>
            run(async () =>
              setPreview(await api.previewImport(props.entityRef, markdown)),
            )
          }
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
                await api.applyImport(props.entityRef, markdown);
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
