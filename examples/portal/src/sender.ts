import type { Database } from './db/database.ts';
import { newId } from './security/tokens.ts';

/** One message to deliver: an SMS, a voice call or a push approval request. */
export interface OutgoingMessage {
  channel: 'sms' | 'voice' | 'push';
  /** Phone number, or the account id for push. */
  recipient: string;
  accountId: string;
  /** The text the person sees or hears (may contain a code: never log it). */
  body: string;
  /** The push challenge this message belongs to. */
  challengeId?: string;
}

/**
 * How codes and approvals leave the portal. A real SMS/voice provider or push service
 * implements this; the default writes to the developer outbox (a page and a table) and logs
 * that something was sent, without its content.
 */
export interface Sender {
  send(message: OutgoingMessage): Promise<void>;
}

/** Masks a phone number for display and logs: `••• 4567`. */
export function maskPhone(phone: string): string {
  return `••• ${phone.slice(-4)}`;
}

/** The default sender: the outbox table (shown at /dev/outbox) plus one log line. */
export function outboxSender(db: Database, log: (line: string) => void = console.log): Sender {
  return {
    async send(message) {
      await db.query(
        'INSERT INTO outbox (id, channel, recipient, account_id, body, challenge_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [
          newId(),
          message.channel,
          message.recipient,
          message.accountId,
          message.body,
          message.challengeId ?? null,
          new Date(),
        ],
      );
      const to = message.channel === 'push' ? 'the authenticator app' : maskPhone(message.recipient);
      log(`[outbox] ${message.channel} to ${to} queued; read it at /dev/outbox`);
    },
  };
}
