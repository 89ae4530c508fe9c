import {
  evidenceInputSchema,
  evidenceReviewSchema,
  exemptionInputSchema,
  taskUpdateSchema,
} from '@prodready/plugin-readiness-common';
import { z } from 'zod';
import { ReadinessRouter, RouteContext } from './context';
import { parse } from './validation';

/** The spec checks it too (a strict pattern); this keeps a Postgres uuid column safe anyway. */
const evidenceIdSchema = z.object({ evidenceId: z.string().uuid() });

const versionQuerySchema = z
  .object({ expectedVersion: z.coerce.number().int().min(0) })
  .strict();

/** Writes on one task of a plan: status, evidence and its review, exemptions. */
export function addTaskRoutes(router: ReadinessRouter, ctx: RouteContext) {
  const { service } = ctx;
  const task = '/entities/:kind/:namespace/:name/tasks/:taskId' as const;

  router.patch(task, async (req, res) => {
    const { taskId } = req.params;
    const input = parse(taskUpdateSchema, req.body);
    await ctx.write(req, res, {
      eventId: 'task-update',
      permission: 'update',
      meta: { taskId, change: input },
      run: async ({ entityRef, actor }) => ({
        body: await service.updateTask({ entityRef, taskId, input, actor }),
      }),
    });
  });

  router.post(`${task}/evidence`, async (req, res) => {
    const { taskId } = req.params;
    const input = parse(evidenceInputSchema, req.body);
    await ctx.write(req, res, {
      eventId: 'evidence-add',
      permission: 'update',
      serviceTask: taskId,
      meta: { taskId, kind: input.kind, url: input.url ?? null },
      run: async ({ entityRef, actor, producer }) => ({
        status: 201,
        body: await service.addEvidence({
          entityRef,
          taskId,
          input,
          actor,
          producer,
        }),
      }),
    });
  });

  router.post(`${task}/evidence/:evidenceId/review`, async (req, res) => {
    const { taskId } = req.params;
    const { evidenceId } = parse(evidenceIdSchema, {
      evidenceId: req.params.evidenceId,
    });
    const input = parse(evidenceReviewSchema, req.body);
    await ctx.write(req, res, {
      eventId: 'evidence-review',
      permission: 'review',
      meta: { taskId, evidenceId, decision: input.decision },
      run: async ({ entityRef, actor, ownership }) => ({
        body: await service.reviewEvidence({
          entityRef,
          taskId,
          evidenceId,
          input,
          reviewer: actor,
          reviewerOwnership: ownership,
        }),
      }),
    });
  });

  router.put(`${task}/exemption`, async (req, res) => {
    const { taskId } = req.params;
    const input = parse(exemptionInputSchema, req.body);
    await ctx.write(req, res, {
      eventId: 'exemption-approve',
      permission: 'approve',
      meta: { taskId, reason: input.reason, expiresAt: input.expiresAt },
      run: async ({ entityRef, actor, ownership }) => ({
        body: await service.setExemption({
          entityRef,
          taskId,
          input,
          approver: actor,
          approverOwnership: ownership,
        }),
      }),
    });
  });

  router.post(`${task}/exemption-request`, async (req, res) => {
    const { taskId } = req.params;
    const input = parse(exemptionInputSchema, req.body);
    await ctx.write(req, res, {
      eventId: 'exemption-request',
      permission: 'update',
      meta: { taskId, reason: input.reason, expiresAt: input.expiresAt },
      run: async ({ entityRef, actor }) => ({
        body: await service.requestExemption({
          entityRef,
          taskId,
          input,
          actor,
        }),
      }),
    });
  });

  router.delete(`${task}/exemption`, async (req, res) => {
    const { taskId } = req.params;
    const { expectedVersion } = parse(versionQuerySchema, req.query, 'query');
    await ctx.write(req, res, {
      eventId: 'exemption-revoke',
      permission: 'update',
      meta: { taskId },
      run: async ({ entityRef, actor }) => ({
        body: await service.revokeExemption({
          entityRef,
          taskId,
          expectedVersion,
          actor,
        }),
      }),
    });
  });
}
