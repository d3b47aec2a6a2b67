/**
 * The nginx config serializer (shared/bundle/nginx-conf.ts): what it writes parses back to the same tree
 * (test/unit/bundle/conf-parsers.ts), and everything that could change nginx's or envsubst's reading is
 * refused, naming the file and the directive.
 */
import { describe, expect, it } from 'vitest';
import { serializeNginxConf, type NginxNode } from '../../../shared/bundle/nginx-conf.js';
import { readerProxyConfig } from '../../../shared/bundle/reader-proxy.js';
import { parseNginxConf, withoutBlanks } from './conf-parsers.js';
import { expectThrows } from '../../helpers/errors.js';

describe('serializeNginxConf', () => {
  it('writes simple and block directives, quoting arguments with spaces and the empty string', () => {
    const nodes: NginxNode[] = [
      { comment: 'top' },
      { name: 'events', args: [], block: [{ name: 'worker_connections', args: ['8'] }] },
      { blank: true },
      { name: 'server', args: [], block: [{ name: 'listen', args: [{ env: 'PORT_VAR' }] }, { name: 'auth_basic', args: ['a realm'] }, { name: 'proxy_set_header', args: ['Authorization', ''] }] },
    ];
    expect(serializeNginxConf(nodes, 'f.conf')).toBe(
      ['# top', 'events {', '    worker_connections 8;', '}', '', 'server {', '    listen ${PORT_VAR};', '    auth_basic "a realm";', '    proxy_set_header Authorization "";', '}', ''].join('\n'),
    );
  });

  it('round-trips the reader proxy config through an independent parser', () => {
    const tree = readerProxyConfig({ upstreamFolder: 'node-0', upstreamRpcPort: 8545 });
    expect(parseNginxConf(serializeNginxConf(tree, 'f'))).toEqual(withoutBlanks(tree));
  });

  const HOSTILE: [string, NginxNode[], string][] = [
    ['a $ variable in an argument', [{ name: 'return', args: ['200', '$remote_user'] }], 'f: return'],
    ['a ; in an argument', [{ name: 'listen', args: ['80; include /etc/passwd'] }], 'f: listen'],
    ['a brace in an argument', [{ name: 'auth_basic', args: ['x}'] }], 'f: auth_basic'],
    ['a quote in an argument', [{ name: 'auth_basic', args: ['say "hi"'] }], 'f: auth_basic'],
    ['a newline in an argument', [{ name: 'auth_basic', args: ['a\nb'] }], 'f: auth_basic'],
    ['a newline in a comment', [{ comment: 'a\nlisten 80;' }], 'f'],
    ['a $ in a comment (envsubst would fill it in)', [{ comment: 'see ${HOME}' }], 'f'],
    ['a directive name with a space', [{ name: 'proxy pass', args: [] }], 'f'],
    ['an environment variable name in lower case', [{ name: 'listen', args: [{ env: 'port' }] }], 'f: listen'],
  ];
  for (const [name, nodes, path] of HOSTILE) {
    it(`refuses ${name}`, () => {
      expectThrows(() => serializeNginxConf(nodes, 'f'), 'FILE_INVALID', path);
    });
  }
});
