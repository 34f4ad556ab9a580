// Public entry of @plotmeter/collector for embedding and tests; the CLI is in cli.ts.
export { main } from './cli';
export { runCycle, uploadPending, type CycleDeps, type CycleResult } from './cycle';
export { runDaemon } from './scheduler';
export { discover, type DiscoveredPrinter } from './discovery';
export { mergePartials } from './merge';
export { buildBatches, type CollectorReport } from './batcher';
export { Spool, SpoolFullError } from './spool';
export { PortalClient, PortalError } from './portal-client';
export { ADAPTERS, PRECEDENCE } from './adapters/registry';
export type { Adapter, AdapterContext, PrinterIdentity, PrinterPartial } from './adapters/adapter';
export type { CollectorHealth } from './health';
export { COLLECTOR_VERSION } from './version';
