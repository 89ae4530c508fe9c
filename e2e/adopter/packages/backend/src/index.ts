// As plugins/readiness-backend/README.md says (backend plugin + catalog module).
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@prodready/plugin-readiness-backend'));
backend.add(import('@prodready/plugin-catalog-backend-module-readiness')); // annotation validation

backend.start();
