import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityReadinessResponse } from '@internal/plugin-readiness-common';
import { ReadinessApi } from './ReadinessApi';

/** {@link ReadinessApi} over `discoveryApi` and `fetchApi`. @public */
export class ReadinessClient implements ReadinessApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  getEntityReadiness(ref: CompoundEntityRef): Promise<EntityReadinessResponse> {
    const path = [ref.kind, ref.namespace, ref.name]
      .map(encodeURIComponent)
      .join('/');
    return this.request<EntityReadinessResponse>(`/entities/${path}`);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('readiness');
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}${path}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
