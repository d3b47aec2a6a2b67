/**
 * An nftables ruleset file for `nft -f`, written from a small model (tables of IPv4 address sets and
 * base chains of port rules): the one serializer of the format.
 *
 * Syntax and semantics, from the nftables wiki and nft(8):
 * - `nft -f FILE` applies the whole file as one kernel transaction ("Atomic rule replacement"); `#`
 *   starts a comment to the end of the line.
 * - A table is replaced as a whole by declaring it (a no-op if it exists), deleting it, and defining
 *   it again in the same file, so loading the file twice gives the same ruleset and stale set
 *   elements never survive (`flush table` would keep sets' elements).
 * - `set NAME { type ipv4_addr; elements = { … } }`; a base chain `type filter hook input priority P;
 *   policy accept;`; rules `tcp dport PORT ip saddr @SET accept` and `tcp dport PORT drop`. In an
 *   `inet` table a port rule without `ip saddr` also matches IPv6, so a drop covers both families.
 * - Several base chains on one hook all see a packet: an accept here does not override another
 *   table's drop, and a drop here is final. Our tables only ever narrow what reaches a port.
 */
import { ConcordError } from '../errors.js';

/** A named set of IPv4 addresses, with comment lines written above its elements. */
export interface NftAddressSet {
  name: string;
  comments: readonly string[];
  elements: readonly string[];
}

/** A rule on one destination port: accept from a set, or drop from anyone. */
export interface NftPortRule {
  protocol: 'tcp' | 'udp';
  port: number;
  /** Only packets whose IPv4 source is in this set match; absent: every packet to the port. */
  sourceSet?: string;
  verdict: 'accept' | 'drop';
}

/** A base chain on the input hook. */
export interface NftInputChain {
  name: string;
  priority: number;
  rules: readonly NftPortRule[];
}

/** An `inet` table, replaced as a whole when the file is loaded. */
export interface NftTable {
  name: string;
  sets: readonly NftAddressSet[];
  chains: readonly NftInputChain[];
}

/** A ruleset file: header comments, then tables. */
export interface NftRuleset {
  comments: readonly string[];
  tables: readonly NftTable[];
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const IPV4 = /^(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/;

function name(value: string, where: string): string {
  if (!IDENTIFIER.test(value)) throw new ConcordError('FILE_INVALID', where, 'an nft identifier of letters, digits and _, starting with a letter');
  return value;
}

function comment(text: string, indent: string, file: string): string {
  if (/[\r\n]/.test(text)) throw new ConcordError('FILE_INVALID', file, 'a comment on one line');
  return text === '' ? `${indent}#` : `${indent}# ${text}`;
}

function rule(r: NftPortRule, sets: ReadonlySet<string>, where: string): string {
  if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) throw new ConcordError('FILE_INVALID', where, 'a port in 1..65535');
  const parts = [r.protocol, 'dport', String(r.port)];
  if (r.sourceSet !== undefined) {
    if (!sets.has(r.sourceSet)) throw new ConcordError('FILE_INVALID', where, 'a source set defined in the same table');
    parts.push('ip', 'saddr', `@${r.sourceSet}`);
  }
  parts.push(r.verdict);
  return parts.join(' ');
}

/** The text of an nftables file; `file` names it in errors. */
export function serializeNftRuleset(ruleset: NftRuleset, file: string): string {
  const out: string[] = ['#!/usr/sbin/nft -f', ...ruleset.comments.map((text) => comment(text, '', file))];
  for (const table of ruleset.tables) {
    const tableName = name(table.name, `${file}: table`);
    const sets = new Set<string>();
    out.push('', `table inet ${tableName}`, `delete table inet ${tableName}`, `table inet ${tableName} {`);
    for (const set of table.sets) {
      const where = `${file}: set ${set.name}`;
      sets.add(name(set.name, where));
      out.push(`\tset ${set.name} {`, '\t\ttype ipv4_addr', ...set.comments.map((text) => comment(text, '\t\t', file)));
      for (const element of set.elements) if (!IPV4.test(element)) throw new ConcordError('FILE_INVALID', where, 'IPv4 addresses as elements');
      if (new Set(set.elements).size !== set.elements.length) throw new ConcordError('FILE_INVALID', where, 'each element once');
      // An empty `elements = { }` does not parse: a set with no element is written without the line.
      if (set.elements.length > 0) out.push(`\t\telements = { ${set.elements.join(', ')} }`);
      out.push('\t}', '');
    }
    for (const chain of table.chains) {
      const where = `${file}: chain ${chain.name}`;
      if (!Number.isInteger(chain.priority)) throw new ConcordError('FILE_INVALID', where, 'a whole-number priority');
      out.push(`\tchain ${name(chain.name, where)} {`, `\t\ttype filter hook input priority ${chain.priority}; policy accept;`);
      for (const r of chain.rules) out.push(`\t\t${rule(r, sets, where)}`);
      out.push('\t}');
    }
    out.push('}');
  }
  return `${out.join('\n')}\n`;
}
