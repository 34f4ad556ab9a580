// A button that downloads one export (lib/download.ts) and says why when the server refuses.
import { useState } from 'react';
import { downloadExport, type ExportRequest } from '../lib/download';

export function ExportButton({
  request,
  label,
  disabled = false,
  className = 'secondary',
}: {
  request: ExportRequest;
  label: string;
  disabled?: boolean;
  className?: string;
}) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <span className="export-button">
      <button
        type="button"
        className={className}
        disabled={busy || disabled}
        onClick={() => {
          setError('');
          setBusy(true);
          downloadExport(request)
            .catch((err: Error) => setError(err.message))
            .finally(() => setBusy(false));
        }}
      >
        {busy ? 'Preparing…' : label}
      </button>
      {error && (
        <span role="alert" className="form-error">
          {error}
        </span>
      )}
    </span>
  );
}
