// Hard limits of the wire protocol. The server enforces them before and during validation so that a
// malicious or buggy sender cannot exhaust memory; senders use them to split what they have to send.
export const LIMITS = {
  /** Largest request body accepted on the wire (after Content-Encoding, i.e. the gzip bytes). */
  maxCompressedBytes: 1024 * 1024,
  /** Largest body after gunzip; stops decompression bombs. */
  maxDecompressedBytes: 16 * 1024 * 1024,
  maxPrintersPerReport: 500,
  maxJobsPerPrinter: 5000,
  maxAlertsPerPrinter: 500,
  /** Names, messages and other free text. */
  maxStringLength: 1024,
  /** Identifiers: serial and product numbers, job UUIDs, codes. */
  maxIdLength: 256,
  /** Short enumerated-ish strings (engine state, job status, colour names). */
  maxTokenLength: 64,
  /** Per-device component lists: printheads, cartridges, media sources, accessories, categories. */
  maxComponentsPerPrinter: 64,
  maxSupportedMediaTypes: 1000,
  maxLocalesPerMediaType: 64,
  maxAlertsPerBatch: 100,
  /** Allowed difference between the signer's clock and the verifier's. */
  clockSkewSeconds: 300,
} as const;

export const SCHEMA_VERSION = 1;
