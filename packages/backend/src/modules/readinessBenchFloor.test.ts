import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendPlugin } from '@backstage/backend-plugin-api';
import request from 'supertest';
import { readinessBenchFloorModule } from './readinessBenchFloor';

// A stand-in readiness plugin: the floor needs only the plugin's router.
const readiness = createBackendPlugin({
  pluginId: 'readiness',
  register(env) {
    env.registerInit({ deps: {}, async init() {} });
  },
});

const start = (floorEndpoint?: boolean) =>
  startTestBackend({
    features: [
      readiness,
      readinessBenchFloorModule,
      mockServices.rootConfig.factory({
        data: { readinessBench: { floorEndpoint } },
      }),
    ],
  });

describe('readinessBenchFloorModule', () => {
  it('answers signed-in callers only, at the readiness base path', async () => {
    const { server } = await start(true);
    const ok = await request(server)
      .get('/api/readiness/bench/floor')
      .set('Authorization', mockCredentials.user.header());
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, principal: 'user' });
    const anonymous = await request(server)
      .get('/api/readiness/bench/floor')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('is not there unless the config turns it on', async () => {
    const { server } = await start();
    const res = await request(server)
      .get('/api/readiness/bench/floor')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
  });
});
