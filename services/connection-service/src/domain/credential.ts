// The two kinds of Okta credential a connection may hold (C1, C8, C11): an API token, or an OAuth
// 2.0 service app (client id + private key, private_key_jwt). Either is validated against the
// org, stored in Vault at the connection's path, and shown only by non-secret identifiers.
import type { JsonWebKey } from 'node:crypto';
import { AppError, InvalidInputError } from '@appgov/errors';
import {
  OKTA_READ_SCOPES,
  type OktaClientFactory,
  OktaErrorCode,
  parseServiceAppKey,
  type ServiceAppKey,
} from '@appgov/okta-client';
import type { StoredOktaCredential } from '@appgov/secrets';
import type { CredentialType } from './connection.table.js';
import { type ValidatedToken, validateOktaToken, validateServiceApp } from './okta-validation.js';
import { tokenFingerprint, tokenLast4 } from './token-fingerprint.js';

/** A service app as the API accepts it. */
export interface OAuthInput {
  clientId: string;
  /** PEM or a private JWK (object or JSON text). */
  privateKey: string | JsonWebKey;
  keyId?: string | undefined;
  /** okta.*.read scopes to ask for (default: every one Appgov reads). */
  scopes?: string[] | undefined;
}

/** The credential part of an add or update request: exactly one of the two. */
export type CredentialInput =
  | { apiToken: string; oauth?: undefined }
  | { oauth: OAuthInput; apiToken?: undefined };

/** The validation call reads GET /api/v1/org, so okta.orgs.read is always asked for. */
const VALIDATION_SCOPE = 'okta.orgs.read';

/** Connection columns that describe the credential (never the secret itself, C3). */
export interface CredentialColumns {
  credential_type: CredentialType;
  token_last4: string | null;
  token_fingerprint: string | null;
  oauth_client_id: string | null;
  oauth_key_id: string | null;
  oauth_scopes: string | null;
  public_key_fingerprint: string | null;
}

/** A validated credential, ready for Vault and the connection row. */
export interface PreparedCredential {
  stored: StoredOktaCredential;
  validated: ValidatedToken;
  columns: CredentialColumns;
  /** Non-reversible identifier for events: the token's fingerprint or the public key's thumbprint. */
  fingerprint: string;
}

function parseKey(input: OAuthInput): ServiceAppKey {
  try {
    return parseServiceAppKey(input.privateKey, input.keyId);
  } catch (error) {
    if (error instanceof AppError && error.code === OktaErrorCode.InvalidKey) {
      // 422: the body is well-formed JSON but the key in it is unusable.
      throw new InvalidInputError(OktaErrorCode.InvalidKey, error.message, { details: { status: 422 } });
    }
    throw error;
  }
}

/** Validates the credential against `domain` (C2) and prepares what gets stored. */
export async function prepareCredential(
  okta: OktaClientFactory,
  domain: string,
  input: CredentialInput,
): Promise<PreparedCredential> {
  if (input.apiToken !== undefined) {
    const validated = await validateOktaToken(okta, domain, input.apiToken);
    const fingerprint = tokenFingerprint(input.apiToken);
    return {
      stored: { type: 'api_token', token: input.apiToken },
      validated,
      fingerprint,
      columns: {
        credential_type: 'api_token',
        token_last4: tokenLast4(input.apiToken),
        token_fingerprint: fingerprint,
        oauth_client_id: null,
        oauth_key_id: null,
        oauth_scopes: null,
        public_key_fingerprint: null,
      },
    };
  }
  const { oauth } = input;
  const key = parseKey(oauth);
  const scopes = oauth.scopes ? [...new Set([...oauth.scopes, VALIDATION_SCOPE])] : undefined;
  // The normalised PKCS#8 PEM is what is validated and stored, so ingest signs with the same bytes.
  const privateKey = key.pkcs8Pem();
  const publicKeyFingerprint = await key.publicKeyFingerprint();
  const validated = await validateServiceApp(okta, domain, {
    type: 'oauth',
    clientId: oauth.clientId,
    privateKey,
    keyId: key.keyId,
    scopes: scopes ?? OKTA_READ_SCOPES,
  });
  return {
    stored: {
      type: 'oauth_service_app',
      clientId: oauth.clientId,
      privateKey,
      ...(key.keyId ? { keyId: key.keyId } : {}),
      ...(scopes ? { scopes } : {}),
    },
    validated: { adminRole: validated.adminRole, warnings: validated.warnings },
    fingerprint: publicKeyFingerprint,
    columns: {
      credential_type: 'oauth_service_app',
      token_last4: null,
      token_fingerprint: null,
      oauth_client_id: oauth.clientId,
      oauth_key_id: key.keyId ?? null,
      oauth_scopes: JSON.stringify(validated.scopes),
      public_key_fingerprint: publicKeyFingerprint,
    },
  };
}
