export interface Config {
  readiness?: {
    /**
     * GitHub checks (`@prodready/plugin-readiness-backend-module-github`). Credentials come from
     * `integrations.github` (a token or a GitHub App), as for the rest of Backstage.
     */
    github?: {
      /** A green run older than this no longer proves the build (default 7). */
      ciMaxAgeDays?: number;
      /**
       * Workflow files (`.github/workflows/ci.yml`) that must have succeeded on the default
       * branch's tip commit, e.g. your organisation's required CI workflow (until then the
       * check is unknown); without it, any set of push runs on the tip counts if none failed.
       */
      requiredWorkflows?: string[];
      /**
       * The `github.com/project-slug` annotation must name the repository the entity is
       * registered from (its `backstage.io/managed-by-location`), so a team cannot point it at
       * someone else's green repository (default true). Turn off only where entities are
       * registered from a central repository and the annotation is reviewed there.
       */
      requireSourceRepo?: boolean;
      /** Per-request timeout in milliseconds (default 5000). */
      timeoutMs?: number;
    };
  };
}
