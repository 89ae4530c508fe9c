import { RunbookLink } from '@prodready/plugin-readiness-common';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ChangeLogStore } from './ChangeLogStore';
import { normalizeRef } from './refs';
import { DbRunbookLinksRow, iso } from './tables';

/** A runbook link from its row. */
export function toRunbook(r: DbRunbookLinksRow): RunbookLink {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    url: r.url,
    source: r.source,
    ...(r.last_reviewed_at ? { lastReviewedAt: iso(r.last_reviewed_at) } : {}),
  };
}

/** Runbook links of plans (`readiness_runbook_links`), from the catalog or the API. @internal */
export class RunbookStore {
  constructor(private readonly db: Knex) {}

  private links(db: Knex = this.db) {
    return db<DbRunbookLinksRow>('readiness_runbook_links');
  }

  /** The runbook links of a plan, by type and title. */
  async list(entityRef: string): Promise<RunbookLink[]> {
    const rows = await this.links()
      .where({ entity_ref: normalizeRef(entityRef) })
      .orderBy([{ column: 'type' }, { column: 'title' }]);
    return rows.map(toRunbook);
  }

  /** Replaces the catalog-sourced runbook links of a plan; API-added links are kept. */
  async replaceCatalog(
    entityRef: string,
    links: Array<Pick<RunbookLink, 'type' | 'title' | 'url'>>,
  ): Promise<void> {
    const ref = normalizeRef(entityRef);
    await this.db.transaction(async tx => {
      const existing = await this.links(tx).where({
        entity_ref: ref,
        source: 'catalog',
      });
      const key = (l: { type: string; url: string }) => `${l.type} ${l.url}`;
      const wanted = new Set(links.map(key));
      const have = new Set(existing.map(key));
      const stale = existing.filter(l => !wanted.has(key(l))).map(l => l.id);
      if (stale.length) await this.links(tx).whereIn('id', stale).delete();
      const fresh = links.filter(l => !have.has(key(l)));
      if (fresh.length) {
        await this.links(tx).insert(
          fresh.map(l => ({
            id: randomUUID(),
            entity_ref: ref,
            type: l.type,
            title: l.title,
            url: l.url,
            source: 'catalog' as const,
          })),
        );
      }
    });
  }

  /** Adds a link through the API, logging the change. */
  async add(
    entityRef: string,
    link: Omit<RunbookLink, 'id' | 'source'>,
    actor: string,
  ): Promise<RunbookLink> {
    const ref = normalizeRef(entityRef);
    const saved: RunbookLink = { ...link, id: randomUUID(), source: 'api' };
    await this.db.transaction(async tx => {
      await this.links(tx).insert({
        id: saved.id,
        entity_ref: ref,
        type: saved.type,
        title: saved.title,
        url: saved.url,
        source: 'api',
        last_reviewed_at: saved.lastReviewedAt
          ? new Date(saved.lastReviewedAt)
          : null,
      });
      await new ChangeLogStore(tx).append({
        entityRef: ref,
        action: 'runbook.add',
        actor,
        after: saved,
      });
    });
    return saved;
  }

  /**
   * Changes a runbook link. Catalog links may only get a review date: their title and url
   * come from catalog-info.yaml.
   */
  async update(
    entityRef: string,
    id: string,
    patch: { title?: string; url?: string; lastReviewedAt?: string | null },
    actor: string,
  ): Promise<RunbookLink | undefined> {
    const ref = normalizeRef(entityRef);
    return this.db.transaction(async tx => {
      const before = await this.links(tx)
        .where({ entity_ref: ref, id })
        .forUpdate()
        .first();
      if (!before) return undefined;
      if (before.source === 'catalog' && (patch.title || patch.url)) {
        throw new InputError(
          'title and url of a catalog runbook link come from catalog-info.yaml; only lastReviewedAt can change',
        );
      }
      const changes: Partial<DbRunbookLinksRow> = {};
      if (patch.title !== undefined) changes.title = patch.title;
      if (patch.url !== undefined) changes.url = patch.url;
      if (patch.lastReviewedAt !== undefined) {
        changes.last_reviewed_at = patch.lastReviewedAt
          ? new Date(patch.lastReviewedAt)
          : null;
      }
      const [row] = Object.keys(changes).length
        ? await this.links(tx).where({ id }).update(changes).returning('*')
        : [before];
      const after = toRunbook(row);
      await new ChangeLogStore(tx).append({
        entityRef: ref,
        action: 'runbook.update',
        actor,
        before: toRunbook(before),
        after,
      });
      return after;
    });
  }

  /** Deletes an API-added runbook link; returns false when there is none with that id. */
  async delete(entityRef: string, id: string, actor: string): Promise<boolean> {
    const ref = normalizeRef(entityRef);
    return this.db.transaction(async tx => {
      const before = await this.links(tx)
        .where({ entity_ref: ref, id })
        .first();
      if (!before) return false;
      if (before.source === 'catalog') {
        throw new InputError(
          'catalog runbook links are removed by editing catalog-info.yaml',
        );
      }
      await this.links(tx).where({ id }).delete();
      await new ChangeLogStore(tx).append({
        entityRef: ref,
        action: 'runbook.delete',
        actor,
        before: toRunbook(before),
      });
      return true;
    });
  }
}
