/**
 * Tiny readers of the two formats Concord writes for read access, for tests only: nginx config
 * (tokens per nginx.org/en/docs/beginners_guide.html: words, quoted strings, `;`, `{`, `}`, `#` to the
 * end of the line) and nftables files (the subset shared/bundle/nft-ruleset.ts writes). Each is written
 * apart from the serializer it checks, and throws on anything it does not understand. `nftCheck` also
 * asks the real `nft -c` where the machine has it. And Nethermind's JSON-RPC calls filter, as its
 * source applies it, with the methods it must refuse and let through.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NginxArg, NginxNode } from '../../../shared/bundle/nginx-conf.js';

type Token = { kind: 'word'; value: string; quoted: boolean } | { kind: 'punct'; value: ';' | '{' | '}' } | { kind: 'comment'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      tokens.push({ kind: 'comment', value: text.slice(i + 1, stop).replace(/^ /, '') });
      i = stop;
    } else if (char === ';' || char === '{' || char === '}') {
      tokens.push({ kind: 'punct', value: char });
      i++;
    } else if (char === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated string at ${i}`);
      tokens.push({ kind: 'word', value: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !/[\s;{}]/.test(text[j] as string)) {
        // `${NAME}` stays one word, as in nginx's own reader (and envsubst replaces it first anyway).
        if (text[j] === '$' && text[j + 1] === '{') {
          const close = text.indexOf('}', j);
          if (close < 0) throw new Error(`unterminated \${ at ${j}`);
          j = close + 1;
        } else j++;
      }
      tokens.push({ kind: 'word', value: text.slice(i, j), quoted: false });
      i = j;
    }
  }
  return tokens;
}

function arg(token: { value: string; quoted: boolean }): NginxArg {
  const env = /^\$\{([A-Z][A-Z0-9_]*)\}$/.exec(token.value);
  if (env !== null && !token.quoted) return { env: env[1] as string };
  if (token.value.includes('$')) throw new Error(`unexpected variable in ${token.value}`);
  return token.value;
}

/** Parses nginx config text into directives and comments (no blank lines). */
export function parseNginxConf(text: string): NginxNode[] {
  const tokens = tokenize(text);
  let at = 0;
  const block = (closing: boolean): NginxNode[] => {
    const nodes: NginxNode[] = [];
    for (;;) {
      const token = tokens[at];
      if (token === undefined) {
        if (closing) throw new Error('missing }');
        return nodes;
      }
      if (token.kind === 'punct' && token.value === '}') {
        if (!closing) throw new Error('unexpected }');
        at++;
        return nodes;
      }
      if (token.kind === 'comment') {
        nodes.push({ comment: token.value });
        at++;
        continue;
      }
      if (token.kind !== 'word' || token.quoted) throw new Error(`expected a directive name at token ${at}`);
      const name = token.value;
      at++;
      const args: NginxArg[] = [];
      for (;;) {
        const next = tokens[at];
        if (next === undefined) throw new Error(`directive ${name} not terminated`);
        if (next.kind === 'word') {
          args.push(arg(next));
          at++;
        } else if (next.kind === 'punct' && next.value === ';') {
          at++;
          nodes.push({ name, args });
          break;
        } else if (next.kind === 'punct' && next.value === '{') {
          at++;
          nodes.push({ name, args, block: block(true) });
          break;
        } else {
          throw new Error(`unexpected ${next.value} in directive ${name}`);
        }
      }
    }
  };
  return block(false);
}

/** A tree without blank lines (what the parser gives back). */
export function withoutBlanks(nodes: readonly NginxNode[]): NginxNode[] {
  return nodes.filter((node) => !('blank' in node)).map((node) => ('block' in node && node.block !== undefined ? { ...node, block: withoutBlanks(node.block) } : node));
}

/** The directives named `name` directly inside `nodes`. */
export function directives(nodes: readonly NginxNode[], name: string): { name: string; args: readonly NginxArg[]; block?: readonly NginxNode[] }[] {
  return nodes.filter((node): node is { name: string; args: readonly NginxArg[]; block?: readonly NginxNode[] } => 'name' in node && node.name === name);
}

/** A parsed nftables set. */
export interface ParsedNftSet {
  name: string;
  type: string;
  elements: string[];
  comments: string[];
}

/** A parsed nftables table. */
export interface ParsedNftTable {
  family: string;
  name: string;
  /** The file declared and deleted the table before defining it. */
  replaced: boolean;
  sets: ParsedNftSet[];
  chains: { name: string; head: string; rules: string[] }[];
}

/** Parses the subset of nftables syntax Concord writes; throws on any other line. */
export function parseNftFile(text: string): { header: string[]; tables: ParsedNftTable[] } {
  const lines = text.split('\n').map((line) => line.trim());
  if (lines[0] !== '#!/usr/sbin/nft -f') throw new Error('no nft shebang');
  const header: string[] = [];
  const tables: ParsedNftTable[] = [];
  const declared = new Set<string>();
  const deleted = new Set<string>();
  let table: ParsedNftTable | null = null;
  let set: ParsedNftSet | null = null;
  let chain: ParsedNftTable['chains'][number] | null = null;
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if (line === '') continue;
    if (table === null) {
      if (line.startsWith('#')) header.push(line.replace(/^# ?/, ''));
      else if ((m = /^table (\w+) (\w+)$/.exec(line)) !== null) declared.add(`${m[1]} ${m[2]}`);
      else if ((m = /^delete table (\w+) (\w+)$/.exec(line)) !== null) {
        if (!declared.has(`${m[1]} ${m[2]}`)) throw new Error('delete of an undeclared table');
        deleted.add(`${m[1]} ${m[2]}`);
      } else if ((m = /^table (\w+) (\w+) \{$/.exec(line)) !== null) {
        table = { family: m[1] as string, name: m[2] as string, replaced: deleted.has(`${m[1]} ${m[2]}`), sets: [], chains: [] };
      } else throw new Error(`unexpected line ${line}`);
    } else if (set !== null) {
      if (line === '}') set = null;
      else if (line.startsWith('#')) set.comments.push(line.replace(/^# ?/, ''));
      else if ((m = /^type (\w+)$/.exec(line)) !== null) set.type = m[1] as string;
      else if ((m = /^elements = \{ (.+) \}$/.exec(line)) !== null) set.elements = (m[1] as string).split(', ');
      else throw new Error(`unexpected set line ${line}`);
    } else if (chain !== null) {
      if (line === '}') chain = null;
      else if (line.startsWith('type ')) chain.head = line;
      else chain.rules.push(line);
    } else if ((m = /^set (\w+) \{$/.exec(line)) !== null) {
      set = { name: m[1] as string, type: '', elements: [], comments: [] };
      table.sets.push(set);
    } else if ((m = /^chain (\w+) \{$/.exec(line)) !== null) {
      chain = { name: m[1] as string, head: '', rules: [] };
      table.chains.push(chain);
    } else if (line === '}') {
      tables.push(table);
      table = null;
    } else throw new Error(`unexpected table line ${line}`);
  }
  if (table !== null) throw new Error('unterminated table');
  return { header, tables };
}

/** `nft -c -f` on `text`, or null where nft cannot check (not installed, or no CAP_NET_ADMIN). */
export function nftCheck(text: string): number | null {
  const dir = mkdtempSync(join(tmpdir(), 'concord-nft-'));
  const probe = join(dir, 'probe.nft');
  writeFileSync(probe, 'table inet concord_probe {\n}\n');
  const probed = spawnSync('nft', ['-c', '-f', probe], { encoding: 'utf8' });
  if (probed.error !== undefined || probed.status !== 0) return null;
  const file = join(dir, 'rules.nft');
  writeFileSync(file, text);
  return spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' }).status;
}

/**
 * Whether a Nethermind JSON-RPC calls filter file lets `method` through, as
 * `Nethermind.JsonRpc/Modules/RpcMethodFilter.cs` decides: the lines `File.ReadLines` gives (split at
 * \r\n, \r or \n; an empty line would match every method), any of them matching the lowercased name,
 * ignoring case. The file's own lines are used, not the constant they were written from.
 */
export function nethermindFilterAllows(filterText: string, method: string): boolean {
  const lines = filterText.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.some((line) => new RegExp(line, 'i').test(method.toLowerCase()));
}

/** Methods that sign with a key the node holds (the unlocked block author), in any case Nethermind might see. */
export const SIGNING_METHODS = [
  'eth_sign', 'eth_signTransaction', 'eth_signTypedData', 'eth_signTypedData_v4', 'eth_sendTransaction', 'ETH_SENDTRANSACTION', 'Eth_Sign',
  'personal_sign', 'personal_sendTransaction', 'personal_unlockAccount', 'personal_importRawKey',
];
/** Reading methods, and the one that carries a transaction its sender signed. */
export const READ_METHODS = ['eth_blockNumber', 'eth_getBalance', 'eth_call', 'eth_getLogs', 'eth_sendRawTransaction', 'eth_chainId', 'eth_syncing', 'net_version', 'net_peerCount', 'web3_clientVersion'];
