// The private key of an OAuth service app (private_key_jwt), parsed once with node:crypto. Okta
// accepts RS256/384/512 and ES256/384/512 client assertions; Appgov signs RS256 with RSA keys and
// ES256/384/512 with EC keys on P-256/P-384/P-521 (the hash follows the curve, RFC 7518 section 3.4).
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { InvalidInputError } from '@appgov/errors';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { OktaErrorCode } from './errors.js';

/** JWS algorithms Appgov signs client assertions with. */
export type AssertionAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

const EC_ALGORITHMS: Record<string, AssertionAlgorithm> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
};

/** Okta's key generator and its docs use 2048-bit RSA; shorter keys are refused as weak. */
const MIN_RSA_BITS = 2048;
/** Finding 1: signing cost grows with the cube of the modulus; 4096 bits is the most Okta needs. */
const MAX_RSA_BITS = 4096;
/** A 4096-bit RSA key is about 3.3 kB as PEM and 4.5 kB as a JWK; anything far larger is not a key. */
const MAX_KEY_CHARS = 16_384;

/** A parsed service-app key: the private half stays a KeyObject, which never prints its material. */
export interface ServiceAppKey {
  readonly privateKey: KeyObject;
  readonly algorithm: AssertionAlgorithm;
  /** The `kid` to send: the one given, else the private JWK's own `kid`, else none. */
  readonly keyId: string | undefined;
  /** The public half as a JWK (what is registered with the Okta app). */
  readonly publicJwk: JsonWebKey;
  /** RFC 7638 JWK thumbprint (SHA-256, base64url) of the public key: safe to show and log. */
  publicKeyFingerprint(): Promise<string>;
  /** The private key as PKCS#8 PEM, the one form it is stored in. */
  pkcs8Pem(): string;
}

function invalidKey(message: string): InvalidInputError {
  return new InvalidInputError(OktaErrorCode.InvalidKey, message);
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public or private key's JWK. */
export function jwkThumbprint(jwk: JsonWebKey): Promise<string> {
  return calculateJwkThumbprint(jwk as JWK, 'sha256');
}

function keyTextLength(input: string | JsonWebKey): number {
  if (typeof input === 'string') return input.length;
  try {
    return JSON.stringify(input)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function looksLikeJson(text: string): boolean {
  return text.trimStart().startsWith('{');
}

/**
 * Parses a service app's private key: PEM (PKCS#8, PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`),
 * or a private JWK as an object or JSON text. Throws OKTA_OAUTH_INVALID_KEY for anything that is
 * not an RSA (≥ 2048 bits) or P-256/384/521 EC private key. Messages never quote the input.
 */
export function parseServiceAppKey(input: string | JsonWebKey, keyId?: string): ServiceAppKey {
  if (keyTextLength(input) > MAX_KEY_CHARS) {
    throw invalidKey(`The private key is too large (at most ${MAX_KEY_CHARS} characters).`);
  }
  let jwkInput: JsonWebKey | undefined;
  if (typeof input === 'string' && looksLikeJson(input)) {
    try {
      jwkInput = JSON.parse(input) as JsonWebKey;
    } catch {
      throw invalidKey('The private key is neither PEM nor a JSON Web Key.');
    }
  } else if (typeof input !== 'string') {
    jwkInput = input;
  }
  if (
    jwkInput !== undefined &&
    (typeof jwkInput !== 'object' || jwkInput === null || Array.isArray(jwkInput))
  ) {
    throw invalidKey('The private key JWK must be a JSON object.');
  }
  if (jwkInput && 'keys' in jwkInput) {
    throw invalidKey('Give one private JWK, not a JWK Set.');
  }
  if (jwkInput && jwkInput.d === undefined) {
    throw invalidKey('The JWK is a public key; Appgov needs the private key (the JWK with "d").');
  }
  if (typeof input === 'string' && !jwkInput && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input)) {
    throw invalidKey(
      /-----BEGIN (PUBLIC KEY|CERTIFICATE|RSA PUBLIC KEY)-----/.test(input)
        ? 'This is a public key or certificate; Appgov needs the private key.'
        : 'The private key must be a PEM private key or a private JSON Web Key.',
    );
  }
  if (/ENCRYPTED PRIVATE KEY/.test(typeof input === 'string' ? input : '')) {
    throw invalidKey('The private key is encrypted; give it without a passphrase (it is stored in Vault).');
  }

  let privateKey: KeyObject;
  try {
    privateKey = jwkInput
      ? createPrivateKey({ key: jwkInput, format: 'jwk' })
      : createPrivateKey({ key: input as string, format: 'pem' });
  } catch {
    // node's message may describe the input; ours does not.
    throw invalidKey('The private key could not be read as an RSA or EC private key.');
  }

  let algorithm: AssertionAlgorithm;
  if (privateKey.asymmetricKeyType === 'rsa') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) throw invalidKey(`The RSA key has ${bits} bits; use at least ${MIN_RSA_BITS}.`);
    if (bits > MAX_RSA_BITS) throw invalidKey(`The RSA key has ${bits} bits; use at most ${MAX_RSA_BITS}.`);
    algorithm = 'RS256';
  } else if (privateKey.asymmetricKeyType === 'ec') {
    const curve = privateKey.asymmetricKeyDetails?.namedCurve;
    const named =
      curve === 'prime256v1'
        ? 'P-256'
        : curve === 'secp384r1'
          ? 'P-384'
          : curve === 'secp521r1'
            ? 'P-521'
            : '';
    const alg = EC_ALGORITHMS[named];
    if (!alg) throw invalidKey('EC keys must be on P-256, P-384 or P-521.');
    algorithm = alg;
  } else {
    throw invalidKey(
      `Okta service apps sign with RSA or EC keys, not ${privateKey.asymmetricKeyType ?? 'this key type'}.`,
    );
  }

  const { kid: _k, ...publicJwk } = createPublicKey(privateKey).export({ format: 'jwk' }) as JsonWebKey;
  const kid = keyId ?? (typeof jwkInput?.kid === 'string' && jwkInput.kid !== '' ? jwkInput.kid : undefined);
  return {
    privateKey,
    algorithm,
    keyId: kid,
    publicJwk: kid === undefined ? publicJwk : { ...publicJwk, kid },
    publicKeyFingerprint: () => jwkThumbprint(publicJwk),
    pkcs8Pem: () => privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
