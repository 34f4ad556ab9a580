// Files the API serves behind a bearer token (GET /export/v1/statements) cannot be plain links, so
// they are fetched and handed to the browser as a download.
import { freshAccessToken } from './session';

export interface ExportRequest {
  period: string;
  format: 'csv' | 'json';
  status?: 'APPROVED' | 'EXPORTED' | '';
}

export function exportUrl({ period, format, status }: ExportRequest): string {
  const params = new URLSearchParams({ period, format });
  if (status) params.set('status', status);
  return `/export/v1/statements?${params.toString()}`;
}

/** Downloads the export; throws with the server's problem detail when it refuses. */
export async function downloadExport(request: ExportRequest): Promise<void> {
  const token = await freshAccessToken();
  const response = await fetch(exportUrl(request), {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as {
      detail?: string;
      title?: string;
      errors?: Array<{ path: string; message: string }>;
    } | null;
    const detail =
      problem?.errors?.map((e) => `${e.path}: ${e.message}`).join('; ') || problem?.detail || problem?.title;
    throw new Error(detail ?? `export failed (HTTP ${response.status})`);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `statements-${request.period}.${request.format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
