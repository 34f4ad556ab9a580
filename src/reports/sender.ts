// Who sent a report or an alert batch: the credential's key id, its kind and the tenant and device it
// belongs to. It travels with every queued job (src/reports/job-data.ts), so a worker never re-authenticates.
export interface Sender {
  keyId: string;
  kind: 'printer' | 'collector';
  resellerId: string;
  printerId: string | null;
  /** The serial the printer was registered with: a direct report must carry exactly this serial. */
  printerSerial: string | null;
  collectorId: string | null;
}
