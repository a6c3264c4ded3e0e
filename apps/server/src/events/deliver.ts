import { Webhook } from 'standardwebhooks';
import type { StoredEvent } from './types';

/** The request body: Standard Webhooks' envelope. The same bytes in every attempt. */
export function eventBody(event: StoredEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}

export type Delivery = { ok: true } | { ok: false; error: string };

/**
 * Sends one attempt of an event to the receiver, signed per Standard Webhooks (`webhook-id`,
 * `webhook-timestamp` of this attempt, `webhook-signature: v1,<base64 HMAC-SHA256>`). Any 2xx is a
 * delivery; anything else (a redirect too: the specification says not to follow them), a timeout or
 * a network error is a failure to retry.
 */
export function createDeliverer({ url, secret, timeoutMs }: { url: string; secret: string; timeoutMs: number }) {
  const signer = new Webhook(secret);
  return async function deliver(event: StoredEvent): Promise<Delivery> {
    const body = eventBody(event);
    const now = new Date();
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'typed-s3-uploads-webhooks',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signer.sign(event.id, now, body),
        },
        body,
      });
      // The answer's body is of no use; reading it frees the connection.
      await response.body?.cancel().catch(() => {});
      return response.status >= 200 && response.status < 300 ? { ok: true } : { ok: false, error: `the receiver answered ${response.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return {
        ok: false,
        error: `${(error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message}${cause ? ` (${cause})` : ''}`,
      };
    }
  };
}
