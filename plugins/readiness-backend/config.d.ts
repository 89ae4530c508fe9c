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
    /**
     * Initiatives (campaigns) defined as code: a goal for a selection of services by a
     * deadline. Read-only in the API; admins add others through `POST /initiatives`.
     * Validated at start (a bad entry stops the plugin, naming the field).
     */
    initiatives?: Array<{
      /** Lowercase letters, digits and dashes. */
      id: string;
      title: string;
      description?: string;
      /** Who drives it: a group or user entity ref. */
      owner: string;
      /** Every given list must match; owner groups include everything beneath them. */
      selection?: {
        owners?: string[];
        systems?: string[];
        domains?: string[];
        lifecycles?: string[];
        tiers?: string[];
        types?: string[];
      };
      /** Every given part must hold; at least one is required. */
      goal: {
        /** Task ids that must be proven (or exempt by approval). */
        tasks?: string[];
        minScore?: number;
        minStage?: number;
        noOpenP0?: boolean;
      };
      /** YYYY-MM-DD */
      startsAt: string;
      /** YYYY-MM-DD, the last day (UTC). */
      deadline: string;
    }>;
    /**
     * YAML files holding more initiatives (one per file, or a list), relative to the
     * backend's working directory. Validated like `initiatives`.
     */
    initiativeFiles?: string[];
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
    /**
     * The Sentry API, for the automatic checks (without a token they answer unknown). The
     * backend's own error reporting is the app's: the plugin reports through the Sentry SDK
     * the backend's instrument file initialised, and never initialises one itself.
     */
    sentry?: {
      /** Sentry base URL; defaults to https://sentry.io (self-hosted: your instance). */
      baseUrl?: string;
      /** Organization slug the `sentry.io/project-slug` annotations belong to. */
      organization?: string;
      /**
       * API token with `project:read` and `event:read`. Stays in the backend.
       * @visibility secret
       */
      token?: string;
      /** Per-request timeout in milliseconds (default 5000). */
      timeoutMs?: number;
      /** How long answers are reused between check runs (default 10). */
      cacheTtlMinutes?: number;
      /** Limit for the unresolved-issues check (default 25). */
      maxUnresolvedIssues?: number;
      /**
       * A Sentry check's pass is `verified` only through a project whose slug is the entity's
       * name; through another project it is a claim, so a team cannot borrow another team's
       * busy or quiet project (default true). Turn off only where project slugs differ from
       * entity names and the annotation is reviewed centrally.
       */
      requireProjectNamedAfterEntity?: boolean;
    };
    /**
     * Schedules of the background tasks (`frequency`, `timeout`, `initialDelay` as in
     * other Backstage task schedules): `reevaluate` (hourly), `checks` (hourly), `sync`
     * (every 10 minutes), `evidenceExpiry` (every 6 hours) and `registration` (every 30 s:
     * plans first read before the sync, and checks of new or changed plans), `initiatives`
     * (hourly: the burn-up's daily point and the deadline reminders).
     */
    schedules?: {
      reevaluate?: { [key: string]: any };
      checks?: { [key: string]: any };
      sync?: { [key: string]: any };
      evidenceExpiry?: { [key: string]: any };
      registration?: { [key: string]: any };
      initiatives?: { [key: string]: any };
    };
    /**
     * How long a catalog answer for one user and entity is reused by readiness reads, in
     * seconds (default 10; 0 turns the cache off).
     */
    entityCacheSeconds?: number;
    /**
     * How long an org rollup answer is reused, in seconds (default 15; 0 turns it off).
     * Score writes drop it at once (on every replica sharing the cache store).
     */
    rollupCacheSeconds?: number;
    /**
     * How long, in seconds, the past days of a whole-catalog trend (`GET /trend`) are kept in
     * the cache (default 3600; 0 turns it off). Score writes change only today's point, which
     * is always read from the current scores; a service archived or moved meanwhile shows in
     * the past days once this runs out.
     */
    trendCacheSeconds?: number;
    /**
     * Whether the hottest read (the entity card's) runs as a named prepared statement on each
     * pooled connection, so PostgreSQL plans it once per connection instead of per read
     * (default true). Set false behind a connection pooler in transaction mode that does not
     * track prepared statements (PgBouncer before 1.21).
     */
    preparedStatements?: boolean;
    /**
     * Service principals (CI tokens) bound to the entities and tasks they may prove. Their
     * evidence is `verified` (full points, proves a P0); anything outside the binding is 403.
     * Give the token an `accessRestrictions: [{ plugin: readiness }]` entry in
     * `backend.auth.externalAccess`.
     */
    ci?: {
      principals?: Array<{
        /** The service principal's subject, e.g. `ci-payments` for a static external access token. */
        subject: string;
        /** Entity refs it may prove, e.g. `component:default/payments-api`. */
        entities?: string[];
        /** Or every entity owned by these groups or users. */
        owners?: string[];
        /** Or every entity of these systems. */
        systems?: string[];
        /** Task ids it may prove; `*` for every task. */
        tasks: string[];
      }>;
    };
    /** Second-person review of a person's evidence. */
    /** Backstage notifications (via the notifications backend). */
    notifications?: {
      /**
       * Owners are told when evidence expires within 14 days or has expired and when a
       * status drops or a score falls by 10 or more; reviewers (`review.notify`) when evidence
       * awaits them. Default true; false sends nothing and skips the expiry job.
       */
      enabled?: boolean;
    };
    review?: {
      /**
       * Let members of the owning group review its evidence (small organisations). The
       * submitter never may. Default false.
       */
      allowOwnerGroup?: boolean;
      /** Users or groups notified when evidence awaits review. */
      notify?: string[];
    };
    /** Exemptions (accepted risk, not applicable). */
    exemptions?: {
      /** Longest exemption an approver may grant, in days (default 90). */
      maxDays?: number;
      /** Let members of the owning group approve its exemptions. Default false. */
      allowOwnerGroup?: boolean;
    };
    /** Markdown report import. */
    import?: {
      /**
       * Time budget of one preview, in milliseconds (default 2000). Parsing runs in a worker
       * thread; a report that takes longer is refused with a 422.
       */
      timeoutMs?: number;
    };
    /** Initial task states applied once per service (demo data, bulk migration). */
    seed?: {
      /** Path to a YAML seed file, relative to the backend's working directory. */
      file?: string;
    };
  };
}
