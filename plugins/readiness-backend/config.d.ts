export interface Config {
  /** Production readiness plugin configuration. */
  readiness?: {
    /**
     * Readiness templates in addition to the built-in `default` one. Each is validated at
     * start-up; an invalid template stops the backend with a message naming it.
     */
    templates?: Array<{
      id: string;
      version?: number;
      title: string;
      description?: string;
      readyThreshold?: number;
      atRiskThreshold?: number;
      blockerCap?: number;
      /** Entities this template applies to when no annotation names one. */
      selector?: { kind?: string[]; type?: string[]; lifecycle?: string[] };
      dimensions: Array<{ id: string; title: string; weight?: number }>;
      phases: Array<{
        id: string;
        title: string;
        description?: string;
        risk?: 'low' | 'medium' | 'high';
        estimateHours?: number;
        tasks: Array<{
          id: string;
          title: string;
          description?: string;
          dimension: string;
          points: number;
          severity?: 'p0' | 'p1' | 'p2';
          checklist?: Array<{ id: string; title: string }>;
          docsUrl?: string;
          verification?: string;
          maxAgeDays?: number;
        }>;
      }>;
    }>;
    /**
     * YAML files holding more templates (one per document, or a list), relative to the
     * backend's working directory. Validated like `templates`.
     */
    templateFiles?: string[];
    /** Template used when no annotation or selector picks one. Defaults to `default`. */
    defaultTemplate?: string;
    /**
     * Named backup policies that services reference with the `readiness/backup-policy`
     * annotation.
     */
    backupPolicies?: {
      [id: string]: {
        title: string;
        rpoHours: number;
        rtoHours: number;
        retentionDays: number;
        restoreDrillEveryDays: number;
      };
    };
    /** Initial task states applied once per service (demo data, bulk migration). */
    seed?: {
      /** Path to a YAML seed file, relative to the backend's working directory. */
      file?: string;
    };
  };
}
