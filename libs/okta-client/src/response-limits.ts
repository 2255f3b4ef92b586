// Finding 8 (SPEC S3): an Okta response body is read up to a bound. With custom domains a host
// that is not Okta could answer an endless body and hold the worker's memory.
import { AppError } from '@appgov/errors';

/** Default largest response body read from Okta (a page of 200 users is about 1-2 MB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Reads `body` as UTF-8 text, destroying it and throwing OKTA_RESPONSE_TOO_LARGE past `maxBytes`. */
export async function readBoundedText(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  maxBytes: number,
  where: { domain: string; path: string },
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new AppError(
        'OKTA_RESPONSE_TOO_LARGE',
        `The response for ${where.path} on ${where.domain} exceeded ${maxBytes} bytes`,
        { retryable: false, details: { ...where, maxBytes } },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
