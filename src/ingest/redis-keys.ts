// Redis keys the ingest role owns, all under the deployment prefix (a Cluster hash tag).
export const redisKeys = (prefix: string) => ({
  nonce: (keyId: string, nonce: string) => `${prefix}:nonce:${keyId}:${nonce}`,
  rate: (keyId: string, window: number) => `${prefix}:rate:${keyId}:${window}`,
  /** Receipts of the scheme before src/ingest/enqueue-once.ts: only read now, until they expire. */
  receipt: (keyId: string, reportId: string) => `${prefix}:receipt:${keyId}:${reportId}`,
});
