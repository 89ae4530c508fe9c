export interface Config {
  readiness?: {
    /**
     * Probe checks (`@prodready/plugin-readiness-backend-module-probes`). The URLs probed are
     * the ones teams declare in the catalog, read from inside the company network: these
     * settings bound where a probe may go.
     */
    probes?: {
      /**
       * Hosts a probe may reach: an exact host (`status.example.com`), a wildcard suffix
       * matching subdomains only (`*.example.com`), or a pattern with `{name}`, replaced by the
       * entity's `metadata.name` (`{name}.svc.example.com`). Only a `{name}` pattern ties a URL
       * to its service: a pass through any other pattern is `claimed`, not `verified`.
       * Empty (the default): the probe checks answer unknown.
       */
      allowedHosts?: string[];
      /** Ports allowed besides 443 and 80 (default none). */
      allowedPorts?: number[];
      /**
       * Let probes reach loopback, private (RFC 1918, unique local), link-local (incl. the
       * cloud metadata address), CGNAT and unspecified addresses (default false). Checked on
       * every address a host resolves to, where the connection is made.
       */
      allowPrivateNetworks?: boolean;
      /** Time limit in milliseconds for one probe, connection included (default 5000). */
      timeoutMs?: number;
      /** The certificate must stay valid at least this many more days (default 14). */
      minCertDays?: number;
    };
  };
}
