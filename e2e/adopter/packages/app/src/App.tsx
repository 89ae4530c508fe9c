// As plugins/readiness/README.md says for the new frontend system.
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import readinessPlugin from '@prodready/plugin-readiness/alpha';

export default createApp({ features: [catalogPlugin, readinessPlugin] });
