/*
 * The demo Backstage backend for the production readiness plugins.
 */
import './instrument';
import { createBackend } from '@backstage/backend-defaults';
import { readinessDemoPermissionPolicy } from './permissionPolicy';
import { readinessBenchFloorModule } from './modules/readinessBenchFloor';
import { readinessStagingCheckModule } from './modules/readinessStagingCheck';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@prodready/plugin-catalog-backend-module-readiness'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(readinessDemoPermissionPolicy);

backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

backend.add(import('@prodready/plugin-readiness-backend'));
backend.add(import('@prodready/plugin-readiness-backend-module-github'));
backend.add(import('@prodready/plugin-readiness-backend-module-pagerduty'));
backend.add(import('@prodready/plugin-readiness-backend-module-probes'));
backend.add(readinessStagingCheckModule);
// Off unless readinessBench.floorEndpoint is set (bench/app-config.bench.yaml).
backend.add(readinessBenchFloorModule);

// The readiness actions as MCP tools for assistants, at /api/mcp-actions/v1 (see
// backend.actions.pluginSources in app-config.yaml).
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.start();
