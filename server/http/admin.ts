/**
 * The coordinator's admin credential: a bearer token given at start. Only its sha-256 is kept, and
 * requests are compared in constant time. Observers and members never need it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { ConcordError } from '../../shared/errors.js';

export class AdminCredential {
  private readonly digest: Buffer | null;

  /** `token` null: no admin API (creating and aborting over HTTP are refused). */
  constructor(token: string | null) {
    this.digest = token === null ? null : sha256(token);
  }

  /** Throws FORBIDDEN unless the request carries `Authorization: Bearer <token>`. */
  check(request: Request): void {
    if (this.digest === null) throw new ConcordError('FORBIDDEN', 'authorization', 'an admin credential configured when the coordinator started (--admin-token-file)');
    const header = request.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (match === null || !timingSafeEqual(sha256(match[1] as string), this.digest)) {
      throw new ConcordError('FORBIDDEN', 'authorization', "the header 'Authorization: Bearer <admin token>'");
    }
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
