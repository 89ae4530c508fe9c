/**
 * Node library of the readiness plugin: the extension point through which backend
 * modules add automatic checks, the way Tech Insights fact retrievers plug in.
 *
 * @packageDocumentation
 */
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  EvidenceSource,
  ReadinessTemplate,
  RunbookLink,
  TaskState,
  TemplateTask,
} from '@prodready/plugin-readiness-common';

/** What a check gets to look at. @public */
export interface ReadinessCheckContext {
  entity: Entity;
  entityRef: string;
  runbooks: RunbookLink[];
  /** The template task being verified and its current state (evidence included). */
  task: TemplateTask;
  state?: TaskState;
  /** The plan's template and every task's state, for checks that depend on other tasks. */
  template?: ReadinessTemplate;
  tasks?: TaskState[];
  config: Config;
  now: Date;
}

/**
 * Outcome of a check. `url` points at what the check read (a CI run, a status page), for a
 * pass or a failure. `unknown` means the check could not decide (an external system
 * was down): previous evidence is left to expire on its own instead of flipping the score.
 * @public
 */
export type ReadinessCheckResult =
  | {
      outcome: 'passed';
      summary: string;
      url?: string;
      /** Overrides the check's `trust` for this result (e.g. the URL read was only declared). */
      trust?: 'verified' | 'claimed';
    }
  | { outcome: 'failed'; summary: string; url?: string }
  | { outcome: 'unknown'; summary: string };

/**
 * An automatic check. Template tasks opt in with `verification: <id>`; a passing check
 * records evidence (`kind: check`) and marks the task done.
 * @public
 */
export interface ReadinessCheck {
  id: string;
  title: string;
  source: EvidenceSource;
  /**
   * How far its passing evidence is trusted (default `verified`). A check that only reads
   * what the owning team declared (an annotation, a link it added) cannot prove more than
   * the team's word: declare it `claimed`, and a second person's review is needed.
   */
  trust?: 'verified' | 'claimed';
  run(context: ReadinessCheckContext): Promise<ReadinessCheckResult>;
}

/** Adds checks to the readiness backend. @public */
export interface ReadinessChecksExtensionPoint {
  addCheck(...checks: ReadinessCheck[]): void;
}

/** Extension point for custom readiness checks. @public */
export const readinessChecksExtensionPoint =
  createExtensionPoint<ReadinessChecksExtensionPoint>({
    id: 'readiness.checks',
  });
export * from './sentry';
