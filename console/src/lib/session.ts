// The signed-in session. The refresh token and the user are kept in localStorage so a reload or a new
// tab stays signed in; the access token (15 minutes) is kept in this tab's sessionStorage, so a reload
// goes on with it instead of spending the refresh token. Each refresh token works once (reuse of a
// rotated one revokes every session of the login), and a renewal answered after the page was left is
// lost: renewing on every page load signed people out when they reloaded or navigated mid-renewal.
// The token pair is renewed a minute before the access token expires (and on an UNAUTHENTICATED
// answer); a failed renewal ends the session cleanly and the app shows the sign-in page.
import type { Role } from './roles';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  accessToken: string | null;
  accessTokenExpiresAt: number;
  refreshToken: string;
  refreshTokenExpiresAt: number;
  user: SessionUser;
}

export interface TokenPair {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: SessionUser;
}

const STORAGE_KEY = 'plotmeter.console.session';
/** This tab's access token (sessionStorage: it ends with the tab). */
const TAB_KEY = 'plotmeter.console.access';
const RENEW_BEFORE_MS = 60_000;

interface TabToken {
  accessToken: string;
  accessTokenExpiresAt: number;
  userId: string;
}

const listeners = new Set<() => void>();
let renewTimer: ReturnType<typeof setTimeout> | undefined;
let current: Session | null = load();
if (current?.accessToken) scheduleRenewal(current.accessTokenExpiresAt);

function load(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as Omit<Session, 'accessToken' | 'accessTokenExpiresAt'>;
    if (!stored.refreshToken || stored.refreshTokenExpiresAt <= Date.now()) return null;
    const tab = loadTabToken(stored.user.id);
    return {
      ...stored,
      accessToken: tab?.accessToken ?? null,
      accessTokenExpiresAt: tab?.accessTokenExpiresAt ?? 0,
    };
  } catch {
    return null;
  }
}

/** The access token this tab had before a reload, if it is the same user's and still fresh. */
function loadTabToken(userId: string): TabToken | null {
  const raw = sessionStorage.getItem(TAB_KEY);
  if (!raw) return null;
  const tab = JSON.parse(raw) as TabToken;
  return tab.userId === userId && tab.accessTokenExpiresAt - Date.now() > RENEW_BEFORE_MS ? tab : null;
}

function scheduleRenewal(accessTokenExpiresAt: number): void {
  clearTimeout(renewTimer);
  const delay = Math.max(5_000, accessTokenExpiresAt - Date.now() - RENEW_BEFORE_MS);
  renewTimer = setTimeout(() => void renewer?.().catch(() => undefined), delay);
}

function forget(): void {
  clearTimeout(renewTimer);
  current = null;
  sessionStorage.removeItem(TAB_KEY);
}

function emit(): void {
  for (const listener of listeners) listener();
}

export function getSession(): Session | null {
  return current;
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called with a renewal function once the GraphQL client exists (avoids an import cycle). */
let renewer: (() => Promise<void>) | null = null;
export function setRenewer(fn: () => Promise<void>): void {
  renewer = fn;
}

export function startSession(pair: TokenPair): void {
  current = {
    accessToken: pair.accessToken,
    accessTokenExpiresAt: Date.parse(pair.accessTokenExpiresAt),
    refreshToken: pair.refreshToken,
    refreshTokenExpiresAt: Date.parse(pair.refreshTokenExpiresAt),
    user: pair.user,
  };
  const { accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt, user } = current;
  localStorage.setItem(STORAGE_KEY, JSON.stringify({ refreshToken, refreshTokenExpiresAt, user }));
  const tab: TabToken = { accessToken: pair.accessToken, accessTokenExpiresAt, userId: user.id };
  sessionStorage.setItem(TAB_KEY, JSON.stringify(tab));
  scheduleRenewal(accessTokenExpiresAt);
  emit();
}

export function endSession(): void {
  forget();
  localStorage.removeItem(STORAGE_KEY);
  emit();
}

/** True when the access token is missing or about to expire. */
export function accessTokenStale(session: Session | null, now = Date.now()): boolean {
  return !!session && (!session.accessToken || session.accessTokenExpiresAt - now < 10_000);
}

// Another tab signed out (or in): follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    if (!event.newValue) {
      forget();
      emit();
      return;
    }
    // The other tab renewed: its refresh token replaced ours (each works once), so take it over.
    const stored = JSON.parse(event.newValue) as Pick<
      Session,
      'refreshToken' | 'refreshTokenExpiresAt' | 'user'
    >;
    if (current) current = { ...current, ...stored };
    else current = { ...stored, accessToken: null, accessTokenExpiresAt: 0 };
    emit();
  });
}

/** A current access token for requests made outside the GraphQL client (the statement export). */
export async function freshAccessToken(): Promise<string | null> {
  if (accessTokenStale(current)) await renewer?.();
  return current?.accessToken ?? null;
}
