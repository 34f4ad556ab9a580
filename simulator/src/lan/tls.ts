// A self-signed certificate for the simulated printers' HTTPS (PIWS), made with the openssl CLI: real
// printers ship self-signed certificates too, and the collector pins them on first contact.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrinterTls {
  key: string;
  cert: string;
}

/** Returns null when openssl is not installed; the printers then serve no PIWS. */
export function makePrinterCertificate(commonName = 'plotmeter-simulated-printer'): PrinterTls | null {
  const dir = mkdtempSync(join(tmpdir(), 'pm-sim-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '365',
        '-subj',
        `/CN=${commonName}`,
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
