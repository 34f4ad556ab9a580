// Which proxy, if any, the collector uses to reach the portal: the explicit proxy from the portal's
// configuration first (with optional basic authentication), else HTTPS_PROXY / HTTP_PROXY from the
// environment, unless NO_PROXY exempts the portal's host. Printers are never reached via a proxy.
import type { ProxyConfig } from '@plotmeter/protocol';

export interface ResolvedProxy {
  uri: string;
  /** Value for Proxy-Authorization, or null. */
  authorization: string | null;
  source: 'config' | 'environment';
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name] ?? env[name.toLowerCase()];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** NO_PROXY semantics as curl has them: "*", exact hosts, domain suffixes (".corp" or "corp"), optional :port. */
export function isExemptByNoProxy(target: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter((e) => e !== '')
    .some((entry) => {
      if (entry === '*') return true;
      const [rawHost = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (entryPort !== undefined && entryPort !== port) return false;
      const suffix = rawHost.replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export function resolveProxy(
  target: URL,
  configured: ProxyConfig | null,
  env: NodeJS.ProcessEnv,
): ResolvedProxy | null {
  if (configured) {
    const url = new URL(configured.url);
    let authorization: string | null = null;
    if (configured.username) authorization = basicAuth(configured.username, configured.password ?? '');
    else if (url.username)
      authorization = basicAuth(decodeURIComponent(url.username), decodeURIComponent(url.password));
    url.username = '';
    url.password = '';
    return { uri: url.toString(), authorization, source: 'config' };
  }
  if (isExemptByNoProxy(target, envValue(env, 'NO_PROXY'))) return null;
  const fromEnv = target.protocol === 'https:' ? envValue(env, 'HTTPS_PROXY') : envValue(env, 'HTTP_PROXY');
  if (fromEnv === undefined) return null;
  const url = new URL(fromEnv.includes('://') ? fromEnv : `http://${fromEnv}`);
  const authorization = url.username
    ? basicAuth(decodeURIComponent(url.username), decodeURIComponent(url.password))
    : null;
  url.username = '';
  url.password = '';
  return { uri: url.toString(), authorization, source: 'environment' };
}
