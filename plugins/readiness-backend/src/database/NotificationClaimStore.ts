import { Knex } from 'knex';
import { normalizeRef } from './refs';
import { DbNotificationsSentRow } from './tables';

/**
 * Claims on notification events (`readiness_notifications_sent`), so replicas and re-runs
 * never announce the same event twice.
 * @internal
 */
export class NotificationClaimStore {
  constructor(private readonly db: Knex) {}

  /** Claims a notification event; true only for the first claim. */
  async claim(entityRef: string, eventKey: string): Promise<boolean> {
    const rows = await this.db<DbNotificationsSentRow>(
      'readiness_notifications_sent',
    )
      .insert({ entity_ref: normalizeRef(entityRef), event_key: eventKey })
      .onConflict(['entity_ref', 'event_key'])
      .ignore()
      .returning('event_key');
    return rows.length === 1;
  }

  /** Gives a claim back (the notification could not be sent). */
  async release(entityRef: string, eventKey: string): Promise<void> {
    await this.db<DbNotificationsSentRow>('readiness_notifications_sent')
      .where({ entity_ref: normalizeRef(entityRef), event_key: eventKey })
      .delete();
  }
}
