/**
 * The ceremonies one coordinator hosts, by id: restored from the database at start, created from a
 * spec at start or over the admin API. One coordinator key signs for all of them, so every spec must
 * name that key's address as its coordinator.
 */
import { EventEmitter } from 'node:events';
import { ConcordError } from '../../shared/errors.js';
import { addressOf, type Address } from '../../shared/crypto/secp256k1.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import { hashSpec, parseSpec } from '../../shared/spec/parse.js';
import type { CeremonyStatus } from '../../shared/protocol/messages.js';
import type { Store } from '../store/sqlite.js';
import { CeremonyHost } from './host.js';

export interface RegistryOptions {
  store: Store;
  coordinatorKey: Uint8Array;
  now: () => number;
  log: (line: string) => void;
}

export class CeremonyRegistry extends EventEmitter<{ change: [string, CeremonyStatus] }> {
  private readonly hosts = new Map<string, CeremonyHost>();
  readonly coordinator: Address;

  private constructor(private readonly options: RegistryOptions) {
    super();
    this.coordinator = addressOf(options.coordinatorKey);
  }

  /** Restores every ceremony in the store (replaying its transcript). */
  static async open(options: RegistryOptions): Promise<CeremonyRegistry> {
    const registry = new CeremonyRegistry(options);
    for (const ceremonyId of await options.store.ceremonyIds()) {
      const stored = await options.store.getCeremony(ceremonyId);
      if (stored === null) continue;
      await registry.host(parseSpec(JSON.parse(stored.specJson), `store.ceremonies.${ceremonyId}`));
    }
    return registry;
  }

  /** Hosts `spec`: opens it if the store has it (the spec must be the same), creates it otherwise. */
  async host(spec: CeremonySpec): Promise<CeremonyHost> {
    if (spec.coordinator !== this.coordinator) {
      throw new ConcordError('SPEC_INVALID', 'spec.coordinator', `this coordinator's address ${this.coordinator}`);
    }
    const existing = this.hosts.get(spec.ceremonyId);
    const specHash = hashSpec(spec);
    if (existing !== undefined) {
      if (existing.status().specHash !== specHash) {
        throw new ConcordError('SPEC_INVALID', 'spec.ceremonyId', `an id not already used by another ceremony on this coordinator`);
      }
      return existing;
    }
    const { store, coordinatorKey, now, log } = this.options;
    const host = await CeremonyHost.open({ store, spec, specHash, coordinatorKey, now, log: (line) => log(`${spec.ceremonyId}: ${line}`) });
    host.on('change', (status) => this.emit('change', spec.ceremonyId, status));
    this.hosts.set(spec.ceremonyId, host);
    return host;
  }

  /** The hosted ceremony with this id, or NOT_FOUND. */
  get(ceremonyId: string, path: string): CeremonyHost {
    const host = this.hosts.get(ceremonyId);
    if (host === undefined) throw new ConcordError('NOT_FOUND', path, `the id of a ceremony this coordinator hosts (${[...this.hosts.keys()].join(', ') || 'none yet'})`);
    return host;
  }

  ids(): string[] {
    return [...this.hosts.keys()];
  }

  close(): void {
    for (const host of this.hosts.values()) host.close();
  }
}
