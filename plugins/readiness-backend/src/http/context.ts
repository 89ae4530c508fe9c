import {
  AuditorService,
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  readinessAdminPermission,
  readinessEvidenceReviewPermission,
  readinessEvidenceVerifyPermission,
  readinessExemptionApprovePermission,
  readinessPlanUpdatePermission,
} from '@prodready/plugin-readiness-common';
import { JsonObject } from '@backstage/types';
import { Response } from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import {
  ReadinessService,
  StaleVersionError,
} from '../domain/ReadinessService';
import { TemplateRegistry } from '../templates/TemplateRegistry';
import { MarkdownReports } from '../import/MarkdownReports';
import { CiPrincipals } from '../domain/CiPrincipals';
import { InitiativeService } from '../domain/initiatives/InitiativeService';
import { parseRef } from './validation';

/** The router generated from schema/openapi.yaml: handlers typed from the spec. */
export type ReadinessRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** An express request as the Backstage services take it. */
export type HttpRequest = Parameters<HttpAuthService['credentials']>[0];
/** The response of such a request. */
export type HttpResponse = Response;

/** What the readiness routes need. @internal */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  userInfo: UserInfoService;
  service: ReadinessService;
  templates: TemplateRegistry;
  reports: MarkdownReports;
  ciPrincipals: CiPrincipals;
  initiatives: InitiativeService;
}

/** A permission a route asks for: on the entity, or `admin` for the plugin. */
export type Permission = 'update' | 'approve' | 'review' | 'admin';

/** The shared checks of the routes (authorization, ownership, audited writes). */
export interface RouteContext extends RouterOptions {
  authorize(
    credentials: BackstageCredentials,
    entityRef: string,
    permission: Permission,
  ): Promise<void>;
  ownershipOf(
    credentials: BackstageCredentials,
  ): Promise<{ user: string; ownership: string[] }>;
  checkServiceRead(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<void>;
  write(req: HttpRequest, res: HttpResponse, opts: WriteOptions): Promise<void>;
}

/** An audited write for an entity. */
export interface WriteOptions {
  eventId: string;
  /** Bound service principals may call this write for this task. */
  serviceTask?: string;
  permission: Permission;
  meta?: JsonObject;
  run: (ctx: {
    entityRef: string;
    actor: string;
    producer: 'person' | 'ci';
    ownership: string[];
  }) => Promise<{ status?: number; body?: unknown }>;
}

const actorOf = (
  credentials: BackstageCredentials<
    BackstageUserPrincipal | BackstageServicePrincipal
  >,
) =>
  credentials.principal.type === 'user'
    ? credentials.principal.userEntityRef
    : `service:${credentials.principal.subject}`;

const isPrincipal = (principal: unknown, type: 'user' | 'service') =>
  (principal as { type?: string } | undefined)?.type === type;

const resourcePermissions = {
  update: readinessPlanUpdatePermission,
  approve: readinessExemptionApprovePermission,
  review: readinessEvidenceReviewPermission,
};

const refused = {
  update: (entityRef: string) => `update the readiness plan of ${entityRef}`,
  approve: (entityRef: string) => `approve exemptions on ${entityRef}`,
  review: (entityRef: string) => `review evidence of ${entityRef}`,
  admin: () => 'administer readiness',
};

/** Builds the shared checks over the plugin's services. */
export function createRouteContext(options: RouterOptions): RouteContext {
  const { httpAuth, permissions, auditor, service, userInfo, ciPrincipals } =
    options;

  async function authorize(
    credentials: BackstageCredentials,
    entityRef: string,
    permission: Permission,
  ) {
    const [decision] =
      permission === 'admin'
        ? await permissions.authorize(
            [{ permission: readinessAdminPermission as BasicPermission }],
            { credentials },
          )
        : await permissions.authorize(
            [
              {
                permission: resourcePermissions[permission],
                resourceRef: entityRef,
              },
            ],
            { credentials },
          );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not ${refused[permission](entityRef)}`,
      );
    }
  }

  /** The caller's user ref and ownership claims (user and groups), for separation of duties. */
  async function ownershipOf(credentials: BackstageCredentials) {
    if (!credentials || !isPrincipal(credentials.principal, 'user')) {
      return { user: '', ownership: [] as string[] };
    }
    const info = await userInfo.getUserInfo(
      credentials as BackstageCredentials<BackstageUserPrincipal>,
    );
    return { user: info.userEntityRef, ownership: info.ownershipEntityRefs };
  }

  /**
   * A service principal reads only the plans it is bound to in `readiness.ci.principals`
   * (their entity and gate), never org-wide lists.
   */
  async function checkServiceRead(
    credentials: BackstageCredentials,
    entityRef: string,
  ) {
    if (!isPrincipal(credentials.principal, 'service')) return;
    const subject = (credentials.principal as BackstageServicePrincipal)
      .subject;
    const plan = await service.getPlanSummary(entityRef);
    if (!plan || !ciPrincipals.mayRead(subject, plan)) {
      throw new NotAllowedError(
        `Service principal ${subject} is not bound to ${entityRef} in readiness.ci.principals`,
      );
    }
  }

  /**
   * Runs an audited write for an entity: resolves the entity as the caller, checks the
   * permission, records success or failure, and turns stale versions into 409 + state.
   */
  async function write(
    req: HttpRequest,
    res: HttpResponse,
    opts: WriteOptions,
  ) {
    const ref = parseRef(req.params);
    const credentials = await httpAuth.credentials(req, {
      allow: opts.serviceTask ? ['user', 'service'] : ['user'],
    });
    const audit = await auditor.createEvent({
      eventId: opts.eventId,
      severityLevel: 'medium',
      request: req,
      meta: { entityRef: stringifyEntityRef(ref), ...opts.meta },
    });
    try {
      // Services (CI) prove only what they are bound to in readiness.ci.principals; the
      // binding is checked before the catalog is asked, so an unbound token learns nothing.
      if (credentials.principal.type === 'service') {
        const subject = credentials.principal.subject;
        const plan = await service.getPlanSummary(stringifyEntityRef(ref));
        if (
          !plan ||
          !opts.serviceTask ||
          !ciPrincipals.mayProve(subject, plan, opts.serviceTask)
        ) {
          throw new NotAllowedError(
            `Service principal ${subject} is not bound to task ${
              opts.serviceTask
            } of ${stringifyEntityRef(ref)} in readiness.ci.principals`,
          );
        }
        const [decision] = await permissions.authorize(
          [
            {
              permission: readinessEvidenceVerifyPermission,
              resourceRef: plan.entityRef,
            },
          ],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `The permission policy does not let ${subject} record evidence on ${plan.entityRef}`,
          );
        }
      }
      const entity = await service.getEntity(ref, credentials);
      const entityRef = stringifyEntityRef(entity);
      if (credentials.principal.type === 'user') {
        await authorize(credentials, entityRef, opts.permission);
      }
      await service.ensurePlan(entity);
      const { ownership } = await ownershipOf(credentials);
      const result = await opts.run({
        entityRef,
        actor: actorOf(credentials),
        producer: credentials.principal.type === 'user' ? 'person' : 'ci',
        ownership,
      });
      await audit.success({
        meta: { result: result.body as JsonObject | undefined },
      });
      if (result.body === undefined) res.status(result.status ?? 204).end();
      else res.status(result.status ?? 200).json(result.body);
    } catch (error) {
      await audit.fail({ error: error as Error });
      if (error instanceof StaleVersionError) {
        res.status(409).json({
          error: { name: 'ConflictError', message: error.message },
          current: error.current,
        });
        return;
      }
      throw error;
    }
  }

  return { ...options, authorize, ownershipOf, checkServiceRead, write };
}
