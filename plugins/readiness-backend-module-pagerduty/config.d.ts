export interface Config {
  readiness?: {
    /**
     * PagerDuty check (`@prodready/plugin-readiness-backend-module-pagerduty`). Without
     * `apiToken`, the community PagerDuty plugin's `pagerDuty.apiToken` and
     * `pagerDuty.apiBaseUrl` are used, so adopters configure PagerDuty once.
     */
    pagerduty?: {
      /**
       * A read-only PagerDuty REST API key (sent as `Authorization: Token token=…`).
       * @visibility secret
       */
      apiToken?: string;
      /** REST API base URL (default `https://api.pagerduty.com`; EU: `https://api.eu.pagerduty.com`). */
      apiBaseUrl?: string;
      /** Per-request timeout in milliseconds (default 5000). */
      timeoutMs?: number;
      /**
       * Requests are spaced to stay under this rate (default 600, below PagerDuty's REST API
       * limit of 960 a minute per key, which other tools using the same key share).
       */
      maxRequestsPerMinute?: number;
    };
  };
}
