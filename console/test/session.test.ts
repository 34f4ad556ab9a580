// The session across a reload: this tab's access token is taken up again, so a page load does not spend
// the one-time refresh token (a renewal answered after the page was left is lost, and the reuse of its
// rotated token would sign the user out everywhere).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const USER = { id: 'u1', email: 'a@example.com', name: 'A', role: 'ADMIN' as const };

function pair(accessToken: string, refreshToken: string, accessMs = 15 * 60_000) {
  return {
    accessToken,
    accessTokenExpiresAt: new Date(Date.now() + accessMs).toISOString(),
    refreshToken,
    refreshTokenExpiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    user: USER,
  };
}

/** A fresh copy of the module, as a page load gets it, over the given storages. */
async function loadPage(local: MemoryStorage, tab: MemoryStorage) {
  vi.resetModules();
  vi.stubGlobal('localStorage', local);
  vi.stubGlobal('sessionStorage', tab);
  return import('../src/lib/session');
}

describe('session across a reload', () => {
  let local: MemoryStorage;
  let tab: MemoryStorage;
  beforeEach(() => {
    vi.useFakeTimers();
    local = new MemoryStorage();
    tab = new MemoryStorage();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("goes on with this tab's fresh access token and renews it on schedule, not at load", async () => {
    const first = await loadPage(local, tab);
    first.startSession(pair('access-1', 'refresh-1'));

    const reloaded = await loadPage(local, tab);
    const renew = vi.fn(() => Promise.resolve());
    reloaded.setRenewer(renew);
    const session = reloaded.getSession();
    expect(session?.accessToken).toBe('access-1');
    expect(session?.refreshToken).toBe('refresh-1');
    expect(reloaded.accessTokenStale(session)).toBe(false);
    expect(renew).not.toHaveBeenCalled();
    // A minute before the access token expires, the pair is renewed.
    vi.advanceTimersByTime(14 * 60_000 - 1_000);
    expect(renew).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2_000);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('renews at load when the tab has no token, one about to expire, or another user\u2019s', async () => {
    const first = await loadPage(local, tab);
    first.startSession(pair('access-1', 'refresh-1', 30_000));
    const nearlyExpired = await loadPage(local, tab);
    expect(nearlyExpired.getSession()?.accessToken).toBeNull();
    expect(nearlyExpired.accessTokenStale(nearlyExpired.getSession())).toBe(true);

    first.startSession(pair('access-2', 'refresh-2'));
    const newTab = await loadPage(local, new MemoryStorage());
    expect(newTab.getSession()?.refreshToken).toBe('refresh-2');
    expect(newTab.getSession()?.accessToken).toBeNull();

    tab.setItem(
      'plotmeter.console.access',
      JSON.stringify({ accessToken: 'theirs', accessTokenExpiresAt: Date.now() + 600_000, userId: 'u2' }),
    );
    const otherUser = await loadPage(local, tab);
    expect(otherUser.getSession()?.accessToken).toBeNull();
  });

  it("signing out forgets this tab's access token too", async () => {
    const first = await loadPage(local, tab);
    first.startSession(pair('access-1', 'refresh-1'));
    first.endSession();
    const reloaded = await loadPage(local, tab);
    expect(reloaded.getSession()).toBeNull();
    expect(tab.getItem('plotmeter.console.access')).toBeNull();
  });
});
