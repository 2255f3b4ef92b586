import type { IHeaders } from 'kafkajs';

/** Kafka headers as strings (kafkajs hands out Buffers; repeated headers keep the last value). */
export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}

/** A message value as UTF-8 when it is valid UTF-8, else base64 (so DLQ records never corrupt it). */
export function encodeValue(value: Buffer | null): {
  value: string | null;
  valueEncoding: 'utf8' | 'base64';
} {
  if (value === null) return { value: null, valueEncoding: 'utf8' };
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value)
    ? { value: text, valueEncoding: 'utf8' }
    : { value: value.toString('base64'), valueEncoding: 'base64' };
}
