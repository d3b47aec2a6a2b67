/**
 * A reader's credential file (`readers/<user>.json`, mode 0600): what a member hands to one outside
 * reader it serves, over a channel the two trust. It holds the reader's proxy user name and password
 * (HTTP Basic authentication, RFC 7617) and what the password opens; the proxy's htpasswd holds only
 * the password's `{SSHA}` hash (shared/bundle/htpasswd.ts). Written with JSON.stringify from an
 * object, read back with its zod schema (`verify` checks the password against the htpasswd entry).
 *
 *   { "format": "concord/reader-credential@1", "reader": "Audit Partners", "servedBy": "Acme",
 *     "chain": "TestHome", "chainId": 77999, "user": "audit-partners", "password": "…",
 *     "access": "HTTP POST JSON-RPC (eth, net, web3) with Basic authentication at the https URL Acme gives you" }
 *
 * Passwords are base64url of 24 bytes from the member client's CSPRNG (client/keys/reader-credentials.ts),
 * 32 characters with no `:` (RFC 7617 forbids it in a user id, and some clients split on it anyway).
 */
import { z } from 'zod';
import { ConcordError } from '../errors.js';

/** The format tag of version 1 of a reader credential file. */
export const READER_CREDENTIAL_FORMAT = 'concord/reader-credential@1';

/** Where a member bundle keeps its readers' credential files. */
export const READERS_FOLDER = 'readers';

/** The path of the credential file of proxy user `user`. */
export function readerCredentialPath(user: string): string {
  return `${READERS_FOLDER}/${user}.json`;
}

/** The random input of one reader's credential: the password's bytes and the hash's salt. */
export interface ReaderRandomness {
  /** At least 16 bytes; 24 give a 32-character password. */
  password: Uint8Array;
  /** At least 8 bytes of `{SSHA}` salt. */
  salt: Uint8Array;
}

/** A reader's password from random bytes: base64url without padding. */
export function readerPasswordFromRandom(random: Uint8Array): string {
  if (random.length < 16) throw new ConcordError('INTERNAL', 'random', 'at least 16 random bytes for a reader password');
  return btoa(String.fromCharCode(...random)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The credential file's schema. */
export const readerCredentialSchema = z.strictObject({
  format: z.literal(READER_CREDENTIAL_FORMAT),
  reader: z.string().min(1),
  servedBy: z.string().min(1),
  chain: z.string().min(1),
  chainId: z.number().int().positive(),
  user: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  password: z.string().regex(/^[A-Za-z0-9_-]{22,}$/),
  access: z.string().min(1),
});

/** A reader's credential. */
export type ReaderCredential = z.infer<typeof readerCredentialSchema>;

/** The credential file's text. */
export function serializeReaderCredential(credential: ReaderCredential): string {
  return `${JSON.stringify(credential, null, 2)}\n`;
}

/** Parses a credential file; an error names the file, never its content. */
export function parseReaderCredential(text: string, file: string): ReaderCredential {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConcordError('FILE_INVALID', file, `JSON text holding a ${READER_CREDENTIAL_FORMAT} file`);
  }
  const parsed = readerCredentialSchema.safeParse(json, { reportInput: false });
  if (!parsed.success) throw new ConcordError('FILE_INVALID', file, `a ${READER_CREDENTIAL_FORMAT} file`);
  return parsed.data;
}
