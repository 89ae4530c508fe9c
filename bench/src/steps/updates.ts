import { serviceName } from '../generate';
import { load } from '../load';
import { BenchContext, log, repeat } from './context';

/**
 * Task updates: every request writes a different untouched task at version 0, so each
 * must land (200); conflicts would show up as 409s.
 */
export async function updatesStep(ctx: BenchContext) {
  const { shape, smoke, base, token, runs } = ctx;
  const untouched: Array<[string, string]> = [];
  const rows = await ctx
    .readinessDb('readiness_task_states')
    .select('entity_ref', 'task_id');
  const touched = new Set(rows.map(r => `${r.entity_ref}#${r.task_id}`));
  const taskIds = ctx.generated.template.phases.flatMap(p =>
    p.tasks.map(t => t.id),
  );
  for (
    let i = 0;
    i < shape.services && untouched.length < (smoke ? 200 : 3000);
    i++
  ) {
    for (const id of taskIds) {
      const ref = `component:default/${serviceName(i)}`;
      if (!touched.has(`${ref}#${id}`)) untouched.push([ref, id]);
    }
  }
  let n = 0;
  ctx.results.updates = await repeat(ctx, () =>
    load({
      url: base,
      token,
      name: 'task updates',
      connections: 20,
      method: 'PATCH',
      amount: Math.floor(untouched.length / runs),
      nextRequest: () => {
        const [ref, id] = untouched[n++ % untouched.length];
        return {
          path: `/api/readiness/entities/${ref.replace(':', '/')}/tasks/${id}`,
          body: { expectedVersion: 0, notes: 'bench' },
        };
      },
    }),
  );
  log(`updates: ${JSON.stringify(ctx.results.updates)}`);
}
