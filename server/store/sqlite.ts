/**
 * The coordinator's store: one SQLite file (sqlite3), WAL journal with synchronous=FULL so a commit
 * survives a crash of the process or the machine. The transcript table is append-only; the ceremony's
 * state is never stored, only re-derived from the transcript by the shared reducer. An entry, its
 * receipt and (for the last approval) the artifact are written in one transaction; so are the vote
 * that passes a governance proposal and the revision artifact it makes.
 * Nothing secret is ever written here: entries hold signatures and public keys only.
 * Every ceremony of the coordinator shares the one connection, and a statement issued on it while a
 * transaction is open joins that transaction; so the store runs its operations one at a time, in call order.
 */
import sqlite3 from 'sqlite3';

export interface StoredCeremony {
  ceremonyId: string;
  specJson: string;
  specHash: string;
  createdMs: number;
  artifactJson: string | null;
}

export interface StoredEntry {
  seq: number;
  hash: string;
  kind: string;
  member: string;
  entryJson: string;
  receivedMs: number;
  receiptSignature: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ceremonies (
  ceremony_id TEXT PRIMARY KEY,
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  artifact_json TEXT
);
CREATE TABLE IF NOT EXISTS entries (
  ceremony_id TEXT NOT NULL REFERENCES ceremonies(ceremony_id),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  kind TEXT NOT NULL,
  member TEXT NOT NULL,
  signature TEXT NOT NULL,
  entry_json TEXT NOT NULL,
  received_ms INTEGER NOT NULL,
  receipt_signature TEXT NOT NULL,
  PRIMARY KEY (ceremony_id, seq)
);
CREATE TABLE IF NOT EXISTS revisions (
  ceremony_id TEXT NOT NULL REFERENCES ceremonies(ceremony_id),
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  artifact_json TEXT NOT NULL,
  PRIMARY KEY (ceremony_id, revision)
);
`;

/** A signed revision artifact, stored with the seq of the vote that passed its proposal. */
export interface StoredRevision {
  revision: number;
  seq: number;
  artifactJson: string;
}

export class Store {
  /** Settles when every operation called so far has finished. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: sqlite3.Database) {}

  /** Opens (creating if needed) the database file at `path`. */
  static async open(path: string): Promise<Store> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const handle = new sqlite3.Database(path, (error) => (error === null ? resolve(handle) : reject(error)));
    });
    const store = new Store(db);
    await store.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
    await store.exec(SCHEMA);
    return store;
  }

  close(): Promise<void> {
    return this.serial(() => new Promise((resolve, reject) => this.db.close((error) => (error === null ? resolve() : reject(error)))));
  }

  getCeremony(ceremonyId: string): Promise<StoredCeremony | null> {
    return this.serial(async () => {
      const row = await this.get<{ ceremony_id: string; spec_json: string; spec_hash: string; created_ms: number; artifact_json: string | null }>(
        'SELECT * FROM ceremonies WHERE ceremony_id = ?',
        [ceremonyId],
      );
      if (row === undefined) return null;
      return { ceremonyId: row.ceremony_id, specJson: row.spec_json, specHash: row.spec_hash, createdMs: row.created_ms, artifactJson: row.artifact_json };
    });
  }

  /** Every ceremony the database holds, oldest first. */
  ceremonyIds(): Promise<string[]> {
    return this.serial(async () => {
      const rows = await this.all<{ ceremony_id: string }>('SELECT ceremony_id FROM ceremonies ORDER BY created_ms, ceremony_id', []);
      return rows.map((row) => row.ceremony_id);
    });
  }

  createCeremony(ceremonyId: string, specJson: string, specHash: string, createdMs: number): Promise<void> {
    return this.serial(() => this.run('INSERT INTO ceremonies (ceremony_id, spec_json, spec_hash, created_ms) VALUES (?, ?, ?, ?)', [ceremonyId, specJson, specHash, createdMs]));
  }

  entries(ceremonyId: string, fromSeq = 0): Promise<StoredEntry[]> {
    return this.serial(async () => {
      const rows = await this.all<{ seq: number; hash: string; kind: string; member: string; entry_json: string; received_ms: number; receipt_signature: string }>(
        'SELECT seq, hash, kind, member, entry_json, received_ms, receipt_signature FROM entries WHERE ceremony_id = ? AND seq >= ? ORDER BY seq',
        [ceremonyId, fromSeq],
      );
      return rows.map((row) => ({
        seq: row.seq,
        hash: row.hash,
        kind: row.kind,
        member: row.member,
        entryJson: row.entry_json,
        receivedMs: row.received_ms,
        receiptSignature: row.receipt_signature,
      }));
    });
  }

  /** Every revision artifact of a ceremony, in revision order. */
  revisions(ceremonyId: string): Promise<StoredRevision[]> {
    return this.serial(async () => {
      const rows = await this.all<{ revision: number; seq: number; artifact_json: string }>(
        'SELECT revision, seq, artifact_json FROM revisions WHERE ceremony_id = ? ORDER BY revision',
        [ceremonyId],
      );
      return rows.map((row) => ({ revision: row.revision, seq: row.seq, artifactJson: row.artifact_json }));
    });
  }

  /**
   * Appends an entry in one durable transaction, with the artifact when it finalizes the ceremony, or
   * the revision artifact when it passes a governance proposal.
   */
  append(ceremonyId: string, entry: StoredEntry & { signature: string }, artifactJson: string | null, revision: StoredRevision | null = null): Promise<void> {
    return this.serial(async () => {
      await this.exec('BEGIN IMMEDIATE');
      try {
        await this.run(
          'INSERT INTO entries (ceremony_id, seq, hash, kind, member, signature, entry_json, received_ms, receipt_signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [ceremonyId, entry.seq, entry.hash, entry.kind, entry.member, entry.signature, entry.entryJson, entry.receivedMs, entry.receiptSignature],
        );
        if (artifactJson !== null) await this.run('UPDATE ceremonies SET artifact_json = ? WHERE ceremony_id = ?', [artifactJson, ceremonyId]);
        if (revision !== null) {
          await this.run('INSERT INTO revisions (ceremony_id, revision, seq, artifact_json) VALUES (?, ?, ?, ?)', [ceremonyId, revision.revision, revision.seq, revision.artifactJson]);
        }
        await this.exec('COMMIT');
      } catch (error) {
        await this.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** Runs `work` once every operation called before it has finished; a failure does not stop the ones after. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (error) => (error === null ? resolve() : reject(error))));
  }

  private run(sql: string, params: unknown[]): Promise<void> {
    return new Promise((resolve, reject) => this.db.run(sql, params, (error) => (error === null ? resolve() : reject(error))));
  }

  private get<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return new Promise((resolve, reject) => this.db.get<T>(sql, params, (error, row) => (error === null ? resolve(row) : reject(error))));
  }

  private all<T>(sql: string, params: unknown[]): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all<T>(sql, params, (error, rows) => (error === null ? resolve(rows) : reject(error))));
  }
}
