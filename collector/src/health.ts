// Collector health carried in every upload as the top-level `collector` object (the
// collector-health extension of Report v1, docs/collector.md): what was scanned, what was found,
// and the most recent errors, so the portal can show a collector's state without logging in to it.
import { MAX_REMEMBERED_ERRORS, type CollectorError } from './config';

export interface CollectorHealth {
  version: string;
  hostname: string;
  addressesScanned: number;
  printersFound: number;
  errors: CollectorError[];
  lastPollAt: string | null;
}

export class HealthTracker {
  private readonly errors: CollectorError[] = [];
  addressesScanned = 0;
  printersFound = 0;

  constructor(private readonly now: () => Date = () => new Date()) {}

  error(message: string, address?: string): void {
    this.errors.push({
      at: this.now().toISOString(),
      message: message.slice(0, 1000),
      ...(address ? { address } : {}),
    });
    if (this.errors.length > MAX_REMEMBERED_ERRORS)
      this.errors.splice(0, this.errors.length - MAX_REMEMBERED_ERRORS);
  }

  get recentErrors(): CollectorError[] {
    return [...this.errors];
  }

  snapshot(version: string, hostname: string, lastPollAt: string | null): CollectorHealth {
    return {
      version,
      hostname,
      addressesScanned: this.addressesScanned,
      printersFound: this.printersFound,
      errors: this.recentErrors,
      lastPollAt,
    };
  }
}
