import { Worker } from 'node:worker_threads';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ReadinessTemplate } from '@prodready/plugin-readiness-common';
import { ImportPreview } from './preview';
import { PREVIEW_WORKER } from './previewWorker';
import { MappingOverrides } from './mapTasks';

/** A report whose preview did not finish within the time and memory budget. @internal */
export class ReportTooComplexError extends Error {
  name = 'ReportTooComplexError';
}

/**
 * Computes import previews in a worker thread with a time budget, so a pathological report
 * can never stall the backend's event loop (which every plugin shares). One worker serves
 * previews one at a time; a preview past the budget terminates it, and the next preview
 * starts a fresh one.
 * @internal
 */
export class PreviewRunner {
  private worker?: Promise<Worker>;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 0;

  constructor(private readonly options: { timeoutMs: number }) {}

  preview(
    markdown: string,
    template: ReadinessTemplate,
    overrides: MappingOverrides = {},
  ): Promise<ImportPreview> {
    const run = this.queue.then(
      () => this.runOne(markdown, template, overrides),
      () => this.runOne(markdown, template, overrides),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops the worker (backend shutdown). */
  async close() {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.then(w => w.terminate()).catch(() => undefined);
  }

  private async runOne(
    markdown: string,
    template: ReadinessTemplate,
    overrides: MappingOverrides,
  ): Promise<ImportPreview> {
    // The budget is for the parse: starting a worker (loading its modules) does not count.
    const worker = await this.start();
    const id = ++this.nextId;
    return new Promise<ImportPreview>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.worker = undefined;
        worker.terminate().catch(() => undefined);
        reject(
          new ReportTooComplexError(
            `markdown: the report took longer than ${this.options.timeoutMs} ms to parse; split it or simplify its longest lines and tables`,
          ),
        );
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, markdown, template, overrides });
    });
  }

  private readonly pending = new Map<
    number,
    {
      resolve: (preview: ImportPreview) => void;
      reject: (error: Error) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();

  private settle(message: {
    id: number;
    preview?: ImportPreview;
    error?: string;
    kind?: 'mapping' | 'parse';
  }) {
    const request = this.pending.get(message.id);
    if (!request) return;
    this.pending.delete(message.id);
    clearTimeout(request.timer);
    if (message.preview) request.resolve(message.preview);
    else if (message.kind === 'mapping')
      request.reject(new InputError(String(message.error)));
    // The parser never throws on text; what does throw is a document too deep or too big
    // for the worker's stack and heap.
    else
      request.reject(
        new ReportTooComplexError(
          `markdown: the report could not be read (${message.error}); simplify its nesting or split it`,
        ),
      );
  }

  private failAll(error: Error) {
    for (const [id, request] of this.pending) {
      clearTimeout(request.timer);
      this.pending.delete(id);
      request.reject(error);
    }
  }

  private start(): Promise<Worker> {
    if (this.worker) return this.worker;
    // From source (development, tests) the worker is TypeScript and needs the same transform
    // the backend runs with; a built package ships it as JavaScript next to this file.
    const fromSource = __filename.endsWith('.ts');
    const file = resolvePackagePath(
      '@prodready/plugin-readiness-backend',
      fromSource
        ? 'src/import/previewWorker.ts'
        : 'dist/import/previewWorker.cjs.js',
    );
    const worker = new Worker(file, {
      workerData: PREVIEW_WORKER,
      // A hostile document must not take the backend's memory either.
      resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 8 },
      ...(fromSource
        ? {
            execArgv: [
              '--require',
              require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
            ],
          }
        : {}),
    });
    const ready = new Promise<Worker>((resolve, reject) => {
      worker.on('message', message => {
        if (message?.ready) {
          // Idle, the worker must not keep the backend process alive; while a report is
          // parsed, the budget's timer does.
          worker.unref();
          resolve(worker);
        } else this.settle(message);
      });
      worker.on('error', error => {
        if (this.worker === ready) this.worker = undefined;
        reject(error);
        this.failAll(
          new ReportTooComplexError(
            `markdown: the report could not be read within the import's limits (${
              (error as Error).message
            })`,
          ),
        );
      });
    });
    ready.catch(() => undefined);
    this.worker = ready;
    return ready;
  }
}
