import { Knex } from 'knex';
import { normalizeRef } from './refs';
import { DbOrgGroupsRow, DbOrgMembersRow } from './tables';

/** A group of the org chart. */
export interface OrgGroup {
  ref: string;
  parent?: string;
  title?: string;
}

/**
 * The org chart the catalog sync stores (`readiness_org_groups`, `readiness_org_members`):
 * groups with their parents and, for every group, all the groups and users beneath it.
 * @internal
 */
export class OrgStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces the stored chart. `users` maps each user to the groups it is a direct member
   * of. A cycle in the catalog's parents is cut where it closes.
   */
  async replace(
    groups: OrgGroup[],
    users: Map<string, string[]>,
  ): Promise<void> {
    const parentOf = new Map(
      groups.map(g => [
        normalizeRef(g.ref),
        g.parent ? normalizeRef(g.parent) : undefined,
      ]),
    );
    // A parent the catalog does not have, or one that closes a cycle, is no parent: the
    // group becomes a root instead of vanishing from the chart with everything beneath it.
    for (const [ref, parent] of parentOf) {
      if (parent && !parentOf.has(parent)) parentOf.set(ref, undefined);
    }
    for (const ref of parentOf.keys()) {
      const seen = new Set<string>([ref]);
      for (let at = parentOf.get(ref); at; at = parentOf.get(at)) {
        if (seen.has(at)) {
          parentOf.set(ref, undefined);
          break;
        }
        seen.add(at);
      }
    }
    const ancestors = (ref: string) => {
      const chain: string[] = [];
      for (
        let at: string | undefined = ref;
        at && parentOf.has(at) && !chain.includes(at);
        at = parentOf.get(at)
      )
        chain.push(at);
      return chain;
    };
    const pairs = new Set<string>();
    for (const ref of parentOf.keys())
      for (const a of ancestors(ref)) pairs.add(`${a}\n${ref}`);
    for (const [user, memberOf] of users)
      for (const g of memberOf)
        for (const a of ancestors(normalizeRef(g)))
          pairs.add(`${a}\n${normalizeRef(user)}`);
    const members = [...pairs].map((p): DbOrgMembersRow => {
      const [ancestor_ref, member_ref] = p.split('\n');
      return { ancestor_ref, member_ref };
    });
    await this.db.transaction(async tx => {
      await tx('readiness_org_members').delete();
      await tx('readiness_org_groups').delete();
      const rows: DbOrgGroupsRow[] = groups.map(g => ({
        group_ref: normalizeRef(g.ref),
        parent_ref: parentOf.get(normalizeRef(g.ref)) ?? null,
        title: g.title ?? null,
      }));
      for (let i = 0; i < rows.length; i += 1000)
        await tx('readiness_org_groups').insert(rows.slice(i, i + 1000));
      for (let i = 0; i < members.length; i += 1000)
        await tx('readiness_org_members').insert(members.slice(i, i + 1000));
    });
  }

  /** The groups directly under `parent`, or the roots of the chart without one. */
  async children(parent?: string): Promise<OrgGroup[]> {
    const q = this.db<DbOrgGroupsRow>('readiness_org_groups').orderBy(
      'group_ref',
    );
    if (parent) q.where({ parent_ref: normalizeRef(parent) });
    else q.whereNull('parent_ref');
    return (await q).map(r => ({
      ref: r.group_ref,
      ...(r.parent_ref ? { parent: r.parent_ref } : {}),
      ...(r.title ? { title: r.title } : {}),
    }));
  }

  /** Every group and user at or beneath `group` (itself included when it is in the chart). */
  async membersOf(group: string): Promise<string[]> {
    const rows = await this.db<DbOrgMembersRow>('readiness_org_members')
      .where({ ancestor_ref: normalizeRef(group) })
      .select('member_ref')
      .orderBy('member_ref');
    return rows.map(r => r.member_ref);
  }

  /** The chain of groups from the root down to `group` (empty for an unknown group). */
  async path(group: string): Promise<OrgGroup[]> {
    const rows = await this.db<DbOrgGroupsRow>('readiness_org_groups');
    const byRef = new Map(rows.map(r => [r.group_ref, r]));
    const chain: OrgGroup[] = [];
    for (
      let at = byRef.get(normalizeRef(group));
      at && !chain.some(c => c.ref === at!.group_ref);
      at = at.parent_ref ? byRef.get(at.parent_ref) : undefined
    )
      chain.unshift({
        ref: at.group_ref,
        ...(at.parent_ref ? { parent: at.parent_ref } : {}),
        ...(at.title ? { title: at.title } : {}),
      });
    return chain;
  }
}
