import { randomBytes } from 'node:crypto';

/** Okta's error body: only errorCode is stable, errorId differs per response. */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

export const OKTA_ERRORS = {
  E0000006: { status: 403, summary: 'You do not have permission to perform the requested action' },
  E0000007: { status: 404, summary: 'Not found: Resource not found' },
  E0000009: { status: 500, summary: 'Internal Server Error' },
  E0000011: { status: 401, summary: 'Invalid token provided' },
  E0000031: { status: 400, summary: 'Invalid search criteria.' },
  E0000047: { status: 429, summary: 'API call exceeded rate limit due to too many requests.' },
} as const;

export type OktaErrorCode = keyof typeof OKTA_ERRORS;

export function oktaError(code: OktaErrorCode, summary?: string): { status: number; body: OktaErrorBody } {
  const def = OKTA_ERRORS[code];
  return {
    status: def.status,
    body: {
      errorCode: code,
      errorSummary: summary ?? def.summary,
      errorLink: code,
      errorId: `oae${randomBytes(11).toString('base64url')}`,
      errorCauses: [],
    },
  };
}
