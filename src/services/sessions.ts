// Signing in: email + password -> a short-lived access token (signed, 15 minutes) and a refresh token
// (random, stored hashed, 30 days, rotated on every use; reuse of a rotated token revokes its family).
import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AccessTokenPayload } from '../auth/authenticate';
import { RefreshToken } from '../entities/refresh-token.entity';
import { User } from '../entities/user.entity';
import { isUuid, randomToken } from '../lib/ids';
import { burnVerification, verifyPassword } from './passwords';
import { type SecretBox, sha256Hex } from '../auth/secrets';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600_000;

export class AuthenticationFailed extends Error {}

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  user: User;
}

function issue(em: EntityManager, secrets: SecretBox, user: User, family: string, now: Date): Session {
  const exp = Math.floor(now.getTime() / 1000) + ACCESS_TOKEN_TTL_SECONDS;
  const payload: AccessTokenPayload = {
    sub: user.id,
    rid: user.reseller?.id ?? null,
    role: user.role,
    exp,
    typ: 'access',
  };
  const refreshToken = randomToken('pmr', 32);
  const refreshTokenExpiresAt = new Date(now.getTime() + REFRESH_TOKEN_TTL_MS);
  em.create(RefreshToken, {
    user,
    tokenHash: sha256Hex(refreshToken),
    family,
    expiresAt: refreshTokenExpiresAt,
    createdAt: now,
  });
  return {
    accessToken: secrets.signToken(payload as unknown as Record<string, unknown>),
    accessTokenExpiresAt: new Date(exp * 1000),
    refreshToken,
    refreshTokenExpiresAt,
    user,
  };
}

/** Several accounts share this email and password: the caller has to say which reseller it means. */
export class AmbiguousLogin extends Error {}

/** An email may belong to this many accounts (one per reseller) before login stops trying more. */
const MAX_ACCOUNTS_PER_EMAIL = 20;

export async function login(
  em: EntityManager,
  secrets: SecretBox,
  email: string,
  password: string,
  now = new Date(),
  resellerId?: string | null,
): Promise<Session> {
  // Emails are unique per reseller, so one address may open accounts at several resellers: the password
  // picks the account. Every candidate is checked (no early exit), so timing says no more than how many
  // accounts an address has.
  if (resellerId && !isUuid(resellerId)) {
    await burnVerification(password);
    throw new AuthenticationFailed('invalid email or password');
  }
  const candidates = await em.find(
    User,
    { email: email.trim().toLowerCase(), disabledAt: null, ...(resellerId ? { reseller: resellerId } : {}) },
    { orderBy: { createdAt: 'asc' }, limit: MAX_ACCOUNTS_PER_EMAIL },
  );
  if (candidates.length === 0) {
    await burnVerification(password);
    throw new AuthenticationFailed('invalid email or password');
  }
  const matches: User[] = [];
  for (const candidate of candidates)
    if (await verifyPassword(password, candidate.passwordHash)) matches.push(candidate);
  if (matches.length === 0) throw new AuthenticationFailed('invalid email or password');
  if (matches.length > 1)
    throw new AmbiguousLogin(
      'this email and password open accounts at several organisations; pass resellerId to choose one',
    );
  const user = matches[0]!;
  user.lastLoginAt = now;
  const session = issue(em, secrets, user, randomUUID(), now);
  await em.flush();
  return session;
}

export async function refresh(
  em: EntityManager,
  secrets: SecretBox,
  refreshToken: string,
  now = new Date(),
): Promise<Session> {
  const tokenHash = sha256Hex(refreshToken);
  const seen = await em.fork().findOne(RefreshToken, { tokenHash });
  if (!seen) throw new AuthenticationFailed('refresh token is not valid');
  if (seen.revokedAt) {
    // A rotated token came back: someone kept a copy. End every session of this login (committed on
    // its own, before the error is returned).
    await em.fork().nativeUpdate(RefreshToken, { family: seen.family, revokedAt: null }, { revokedAt: now });
    throw new AuthenticationFailed('refresh token was already used; sign in again');
  }
  return em.transactional(async (tx) => {
    // Locked, so two concurrent refreshes with one token cannot both succeed.
    const token = await tx.findOne(
      RefreshToken,
      { tokenHash, revokedAt: null },
      { populate: ['user'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    if (!token) throw new AuthenticationFailed('refresh token was already used; sign in again');
    if (token.expiresAt <= now) throw new AuthenticationFailed('refresh token expired; sign in again');
    if (token.user.disabledAt) throw new AuthenticationFailed('user is disabled');
    token.revokedAt = now;
    const session = issue(tx, secrets, token.user, token.family, now);
    await tx.flush();
    return session;
  });
}

export async function logout(em: EntityManager, refreshToken: string, now = new Date()): Promise<boolean> {
  const token = await em.findOne(RefreshToken, { tokenHash: sha256Hex(refreshToken) });
  if (!token) return false;
  await em.nativeUpdate(RefreshToken, { family: token.family, revokedAt: null }, { revokedAt: now });
  return true;
}
