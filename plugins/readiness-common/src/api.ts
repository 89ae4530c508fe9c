import { Exemption, ReadinessTemplate, RunbookLink, TaskState } from './types';
import { ReadinessScore, WhatIf } from './scoring';

/** Response of `GET /entities/:kind/:namespace/:name`. @public */
export interface EntityReadinessResponse {
  entityRef: string;
  plan: {
    templateId: string;
    templateVersion: number;
    createdAt: string;
    updatedAt: string;
  };
  template: ReadinessTemplate;
  tasks: TaskState[];
  runbooks: RunbookLink[];
  score: ReadinessScore;
  whatIf: WhatIf[];
}

export type { Exemption };
