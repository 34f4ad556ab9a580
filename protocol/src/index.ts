// Public surface of @plotmeter/protocol: everything the server and the collector share.
export { LIMITS, SCHEMA_VERSION } from './limits';
export * from './report-v1.schema';
export * from './alerts-v1.schema';
export * from './signing';
export * from './problem';
export * from './collector-config.schema';
export * from './enroll.schema';
export * from './collector-channel.schema';
export * from './ip-range';
export * from './models';
export * from './examples';
export * from './json-schema';
