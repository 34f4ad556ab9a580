// Files the API serves behind a bearer token (GET /export/v1/statements, /export/v1/jobs,
// /export/v1/usage) cannot be plain links, so they are fetched with the session's access token and
// handed to the browser as a download under the name the server gives.
import { freshAccessToken } from './session';

export type ExportFormat = 'csv' | 'json';

export interface StatementExport {
  kind: 'statements';
  period: string;
  format: ExportFormat;
  status?: 'APPROVED' | 'EXPORTED' | '';
}

/** Jobs (one row per job) or usage (counter deltas per printer and day) of a UTC month or a range. */
export interface DataExport {
  kind: 'jobs' | 'usage';
  format: ExportFormat;
  /** A UTC month YYYY-MM, or from/to (ISO instants, at most 366 days apart). */
  period?: string;
  from?: string;
  to?: string;
  customerId?: string;
  siteId?: string;
  printerId?: string;
}

export type ExportRequest = StatementExport | DataExport;

export function exportUrl(request: ExportRequest): string {
  const params = new URLSearchParams();
  const set = (key: string, value: string | undefined) => {
    if (value) params.set(key, value);
  };
  if (request.kind === 'statements') {
    set('period', request.period.trim());
    set('format', request.format);
    set('status', request.status);
  } else {
    if (request.period) set('period', request.period.trim());
    else {
      set('from', request.from);
      set('to', request.to);
    }
    set('format', request.format);
    set('customerId', request.customerId);
    set('siteId', request.siteId);
    set('printerId', request.printerId);
  }
  return `/export/v1/${request.kind}?${params.toString()}`;
}

/** The file name from Content-Disposition, else one made from the request. */
export function downloadName(contentDisposition: string | null, request: ExportRequest): string {
  const named = /filename="?([^";]+)"?/i.exec(contentDisposition ?? '')?.[1];
  if (named) return named;
  const range = request.kind === 'statements' ? [] : [request.from, request.to];
  const span =
    request.period?.trim() ||
    range
      .filter(Boolean)
      .map((t) => t!.slice(0, 10))
      .join('_');
  return `${request.kind}-${span || 'export'}.${request.format}`;
}

interface Problem {
  detail?: string;
  title?: string;
  errors?: Array<{ path: string; message: string }>;
}

/** The server's problem document (RFC 9457) as one sentence naming the parameters at fault. */
export function problemMessage(problem: Problem | null, status: number): string {
  const detail =
    problem?.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') || problem?.detail || problem?.title;
  return detail ?? `export failed (HTTP ${status})`;
}

/** Downloads the export; throws with the server's problem detail when it refuses. */
export async function downloadExport(request: ExportRequest): Promise<void> {
  const token = await freshAccessToken();
  const response = await fetch(exportUrl(request), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as Problem | null;
    throw new Error(problemMessage(problem, response.status));
  }
  // A stream cut off midway (the server aborts it on a failure) rejects here: no half file is saved.
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = downloadName(response.headers.get('content-disposition'), request);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
