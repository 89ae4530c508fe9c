import { parentPort, workerData } from 'node:worker_threads';
import { previewReport } from './preview';
import { MappingOverrideError } from './mapTasks';

/** Marks the worker thread PreviewRunner starts; imported elsewhere, this module does nothing. */
export const PREVIEW_WORKER = 'readiness-import-preview';

if (parentPort && workerData === PREVIEW_WORKER) {
  const port = parentPort;
  // Modules are loaded: the runner's time budget starts with the first report.
  port.postMessage({ ready: true });
  port.on('message', ({ id, markdown, template, overrides }) => {
    try {
      port.postMessage({
        id,
        preview: previewReport(markdown, template, overrides),
      });
    } catch (error) {
      port.postMessage({
        id,
        error: String((error as Error)?.message ?? error),
        kind: error instanceof MappingOverrideError ? 'mapping' : 'parse',
      });
    }
  });
}
