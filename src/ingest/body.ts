// Request body decoding for the ingest routes: optional gzip with a hard cap on the decompressed size
// (decompression stops at the cap, so a gzip bomb costs at most that much), then JSON.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { LIMITS } from '@plotmeter/protocol';

const gunzipAsync = promisify(gunzip);

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** Whether a Content-Encoding header says gzip (the only compression the ingest accepts). */
export function isGzip(contentEncoding: string | string[] | undefined): boolean {
  return (
    String(contentEncoding ?? '')
      .trim()
      .toLowerCase() === 'gzip'
  );
}

export async function decodeBody(raw: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') {
    if (raw.length > LIMITS.maxDecompressedBytes) throw tooLarge();
    return raw;
  }
  if (encoding !== 'gzip') {
    throw new BodyError(
      415,
      'Unsupported Media Type',
      `Content-Encoding "${encoding}" is not supported; use gzip or none`,
    );
  }
  try {
    return await gunzipAsync(raw, { maxOutputLength: LIMITS.maxDecompressedBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError)
      throw tooLarge();
    throw new BodyError(400, 'Bad Request', 'body is not valid gzip data');
  }
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new BodyError(400, 'Bad Request', `body is not valid JSON: ${(error as Error).message}`);
  }
}

function tooLarge(): BodyError {
  return new BodyError(
    413,
    'Payload Too Large',
    `body exceeds ${LIMITS.maxDecompressedBytes} bytes once decompressed`,
  );
}
