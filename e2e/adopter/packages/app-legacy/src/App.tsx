// The legacy frontend system, as plugins/readiness/README.md says under "Legacy frontend system".
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { SignInPage } from '@backstage/core-components';
import {
  CatalogEntityPage,
  CatalogIndexPage,
  EntityLayout,
} from '@backstage/plugin-catalog';
import {
  EntityReadinessCard,
  EntityReadinessContent,
  ReadinessPage,
} from '@prodready/plugin-readiness';
import Grid from '@material-ui/core/Grid';
import { Navigate, Route } from 'react-router-dom';

const app = createApp({
  components: {
    SignInPage: props => <SignInPage {...props} providers={['guest']} />,
  },
});

const entityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <Grid container spacing={3}>
        <Grid item md={6}>
          <EntityReadinessCard />
        </Grid>
      </Grid>
    </EntityLayout.Route>
    <EntityLayout.Route path="/readiness" title="Readiness">
      <EntityReadinessContent />
    </EntityLayout.Route>
  </EntityLayout>
);

export default app.createRoot(
  <AppRouter>
    <FlatRoutes>
      <Route path="/" element={<Navigate to="catalog" />} />
      <Route path="/catalog" element={<CatalogIndexPage />} />
      <Route
        path="/catalog/:namespace/:kind/:name"
        element={<CatalogEntityPage />}
      >
        {entityPage}
      </Route>
      <Route path="/readiness" element={<ReadinessPage />} />
    </FlatRoutes>
  </AppRouter>,
);
