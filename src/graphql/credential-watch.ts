// Subscriptions outlive the moment they were authorised: a WebSocket authenticates once, at connect,
// and may stay open for days. This watch ends a socket when its credential ends:
// - an access token at its expiry (a timer; close 4401, the client signs in again and reconnects);
// - an API key revoked, a user disabled or their role changed: at once, in every API process, through
//   the credentials-ended pub/sub topic (close 4403; the API-key caches forget the key too);
// - anything else that invalidates a credential (a key's own expiry, a row deleted by hand, a missed
//   pub/sub message while Redis was away): the periodic re-check authenticates every socket again.
import type { WebSocket } from 'ws';
import { authenticate } from '../auth/authenticate';
import type { AccessTokenPayload } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { AppServices } from '../services/app-services';
import { credentialEndedTopic, type CredentialEndedPayload } from '../services/pubsub';
import type { GraphQLContext } from './context';

/** graphql-ws' close codes: the credential is missing or expired / no longer allowed. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_FORBIDDEN = 4403;

export const DEFAULT_RECHECK_MS = 60_000;

/** Tells every API process that a credential ended (called after the change commits). */
export async function announceCredentialEnded(
  ctx: Pick<GraphQLContext, 'services'>,
  payload: CredentialEndedPayload,
): Promise<void> {
  const { services } = ctx;
  await services.pubsub
    .publish(credentialEndedTopic(services.config.REDIS_PREFIX), payload)
    .catch((err: unknown) =>
      // The periodic re-check still closes the sockets; the mutation itself has succeeded.
      services.log.warn({ err, actor: payload.actor }, 'could not announce an ended credential'),
    );
}

interface Watched {
  credential: string;
  principal: Principal;
  expiryTimer: NodeJS.Timeout | null;
}

export class CredentialWatch {
  private readonly sockets = new Map<WebSocket, Watched>();
  private recheckTimer: NodeJS.Timeout | null = null;
  private events: AsyncIterableIterator<CredentialEndedPayload> | null = null;
  private stopped = false;

  constructor(
    private readonly services: AppServices,
    private readonly recheckMs = DEFAULT_RECHECK_MS,
  ) {}

  /**
   * Starts the periodic re-check and listens for ended credentials. Does not wait for Redis: the API
   * starts (and reports Redis in /readyz) while Redis is away, and the listener subscribes once it can.
   */
  start(): void {
    this.recheckTimer = setInterval(() => void this.recheckAll(), this.recheckMs);
    this.recheckTimer.unref();
    void this.subscribe();
  }

  private async subscribe(): Promise<void> {
    while (!this.stopped) {
      try {
        this.events = await this.services.pubsub.subscribe<CredentialEndedPayload>(
          credentialEndedTopic(this.services.config.REDIS_PREFIX),
        );
        if (this.stopped) await this.events.return?.();
        else await this.listen(this.events);
        return;
      } catch (err) {
        if (this.stopped) return;
        this.services.log.warn({ err }, 'credential announcements unavailable; retrying in 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
      }
    }
  }

  private async listen(events: AsyncIterableIterator<CredentialEndedPayload>): Promise<void> {
    for await (const event of events) {
      if (typeof event?.actor !== 'string') continue;
      if (event.actor.startsWith('apikey:'))
        this.services.apiKeys.forget(event.actor.slice('apikey:'.length));
      for (const [socket, watched] of this.sockets)
        if (watched.principal.actor === event.actor)
          this.end(socket, CLOSE_FORBIDDEN, `Credential ${event.reason}`);
    }
  }

  /** Watches a socket authenticated with `credential` as `principal`. */
  add(socket: WebSocket, credential: string, principal: Principal): void {
    const expiresAtMs = this.tokenExpiryMs(credential);
    const watched: Watched = { credential, principal, expiryTimer: null };
    if (expiresAtMs !== null) {
      // setTimeout holds at most 2^31-1 ms (~24.8 days); the re-check covers anything later.
      const delay = Math.min(Math.max(0, expiresAtMs - Date.now()), 2 ** 31 - 1);
      watched.expiryTimer = setTimeout(() => this.end(socket, CLOSE_UNAUTHORIZED, 'Token expired'), delay);
      watched.expiryTimer.unref();
    }
    this.sockets.set(socket, watched);
    socket.once('close', () => this.remove(socket));
  }

  private remove(socket: WebSocket): void {
    const watched = this.sockets.get(socket);
    if (watched?.expiryTimer) clearTimeout(watched.expiryTimer);
    this.sockets.delete(socket);
  }

  private end(socket: WebSocket, code: number, reason: string): void {
    this.remove(socket);
    socket.close(code, reason);
  }

  private tokenExpiryMs(credential: string): number | null {
    const payload = this.services.secrets.verifyToken<AccessTokenPayload>(credential);
    return payload && typeof payload.exp === 'number' ? payload.exp * 1000 : null;
  }

  /** Authenticates every watched socket again; closes those whose credential no longer holds. */
  async recheckAll(): Promise<void> {
    for (const [socket, watched] of [...this.sockets]) {
      try {
        const principal = await authenticate(
          this.services.orm.em.fork(),
          this.services.secrets,
          watched.credential,
          {
            apiKeys: this.services.apiKeys,
          },
        );
        if (!principal) this.end(socket, CLOSE_UNAUTHORIZED, 'Credential no longer valid');
        else if (
          principal.role !== watched.principal.role ||
          principal.resellerId !== watched.principal.resellerId
        )
          this.end(socket, CLOSE_FORBIDDEN, 'Credential changed');
      } catch (err) {
        // The database being away is not the credential's fault: try again at the next re-check.
        this.services.log.warn({ err }, 'subscription credential re-check failed');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    await this.events?.return?.();
    for (const watched of this.sockets.values()) if (watched.expiryTimer) clearTimeout(watched.expiryTimer);
    this.sockets.clear();
  }
}
