/**
 * The benchmark drives the backend's internals directly: its store, service, jobs and import
 * runner. They are not part of the published API (`@prodready/plugin-readiness-backend` exports
 * only the plugin), so the benchmark reaches into the workspace source on purpose.
 */
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
export * from '../../plugins/readiness-backend/src/testUtils';
