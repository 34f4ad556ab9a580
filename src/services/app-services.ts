// The typed bag of long-lived dependencies every role shares, built once at start (initServices) and
// torn down once (closeServices). Plain functions instead of a DI container.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { ApiKeyCache } from '../auth/api-key-cache';
import { LoginThrottle } from '../auth/login-throttle';
import { ConfigError, type Config } from '../config';
import { initOrm } from '../db/orm';
import { CredentialStore } from '../auth/device-credentials';
import { Mailer } from './mailer';
import { RedisPubSub, deviceCredentialEndedTopic } from './pubsub';
import { createRedis } from './redis';
import { SecretBox } from '../auth/secrets';

export interface AppServices {
  config: Config;
  log: Logger;
  orm: MikroORM;
  /** Fail-fast connection for request paths (no offline queue). */
  redis: Redis;
  secrets: SecretBox;
  /** Live alert events across processes (src/services/pubsub.ts); subscribes lazily. */
  pubsub: RedisPubSub;
  /** Recent API-key lookups (src/auth/api-key-cache.ts). */
  apiKeys: ApiKeyCache;
  /** Recent device-credential lookups of the ingest role (src/auth/device-credentials.ts); shared with the API
   * role so a revocation through this process forgets the credential at once. */
  deviceCredentials: CredentialStore;
  /** Sign-in attempt limits shared by every API process (src/auth/login-throttle.ts). */
  loginThrottle: LoginThrottle;
  /** The SMTP transport (src/services/mailer.ts); connects on the first mail the send-email job sends. */
  mailer: Mailer;
}

export function createLogger(config: Config, name = 'plotmeter'): Logger {
  return pino({
    name,
    level: config.LOG_LEVEL,
    // Credentials never reach the logs, whatever a handler decides to log.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-plotmeter-signature"]',
        '*.secret',
        '*.password',
        '*.token',
        '*.apiKey',
      ],
      censor: '[redacted]',
    },
  });
}

export async function initServices(config: Config, log = createLogger(config)): Promise<AppServices> {
  const orm = await initOrm(config.DATABASE_URL, {
    debug: config.LOG_LEVEL === 'trace',
    // Connecting lazily lets a server start (and report not-ready) while PostgreSQL is still down.
    connect: false,
  });
  const redis = createRedis(config, 'command');
  const secrets = new SecretBox(requireSecretKey(config));
  const pubsub = new RedisPubSub(config, redis);
  return {
    config,
    log,
    orm,
    redis,
    secrets,
    pubsub,
    apiKeys: new ApiKeyCache(),
    deviceCredentials: new CredentialStore(
      () => orm.em.fork(),
      secrets,
      { pubsub, topic: deviceCredentialEndedTopic(config.REDIS_PREFIX) },
      config.DEVICE_CREDENTIAL_CACHE_MS,
    ),
    loginThrottle: new LoginThrottle(redis, config.REDIS_PREFIX),
    mailer: new Mailer(config),
  };
}

function requireSecretKey(config: Config): string {
  if (!config.PLOTMETER_SECRET_KEY)
    throw new ConfigError('Invalid configuration: PLOTMETER_SECRET_KEY is required to run the server');
  return config.PLOTMETER_SECRET_KEY;
}

export async function closeServices(services: AppServices): Promise<void> {
  services.mailer.close();
  await Promise.allSettled([
    services.pubsub.close(),
    services.orm.close(true),
    services.redis.quit().catch(() => services.redis.disconnect()),
  ]);
}
