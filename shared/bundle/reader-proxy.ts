/**
 * A member's reader proxy (issue 9, item 4): nginx with HTTP Basic authentication in front of the
 * member's first node's JSON-RPC, for the outside readers the spec names with `servedBy` = this member.
 * Files, only in a bundle whose member serves at least one reader:
 *
 *   reader-proxy/nginx.conf.template   nginx's main config; the nginx image's entrypoint fills in the
 *                                      listen address and writes it to /etc/nginx/nginx.conf
 *   reader-proxy/htpasswd              one `user:{SSHA}…` line per reader (hashes only; world-readable:
 *                                      nginx's workers run as the image's `nginx` user)
 *   readers/<user>.json         0600   each reader's credential (shared/bundle/reader-credential.ts)
 *
 * Sources:
 * - nginx.org/r/auth_basic, nginx.org/r/auth_basic_user_file (`{SSHA}` since 1.0.3), nginx.org/r/proxy_pass,
 *   nginx.org/r/proxy_set_header, nginx.org/r/limit_except; syntax in shared/bundle/nginx-conf.ts.
 * - The image (`nginx:1.27-alpine`, the 1.27 line pinned): nginxinc/docker-nginx
 *   `entrypoint/20-envsubst-on-templates.sh` runs envsubst (defined variables only) over
 *   `/etc/nginx/templates/*.template` into `$NGINX_ENVSUBST_OUTPUT_DIR`; its Dockerfile creates user
 *   `nginx` (uid 101) and links /var/log/nginx/{access,error}.log to stdout/stderr. Our main config
 *   replaces the image's, so the image's `conf.d/default.conf` (port 80) is never included.
 * - OpenEthereum checks the Host header against its listen address (`bin/oe/rpc.rs` `new_http`:
 *   `with_domain(conf.hosts(), …, interface:port)`), so the proxy sends `Host: 127.0.0.1:<rpc port>`.
 * TLS is the operator's: the proxy speaks plain HTTP on `CONCORD_READER_PROXY_LISTEN` (default on
 * loopback), to be put behind the member's TLS terminator. The proxy fronts node-0 only: a member whose
 * nodes are on several hosts runs it on node-0's host.
 */
import { ConcordError } from '../errors.js';
import { serializeNginxConf, type NginxNode } from './nginx-conf.js';
import { serializeHtpasswd, sshaHash } from './htpasswd.js';
import { READER_CREDENTIAL_FORMAT, readerCredentialPath, readerPasswordFromRandom, serializeReaderCredential, type ReaderRandomness } from './reader-credential.js';
import { LOOPBACK, type ServedReader } from './read-access.js';

/** The pinned nginx image of the proxy. */
export const READER_PROXY_IMAGE = 'nginx:1.27-alpine';

/** The proxy's files in a member bundle. */
export const READER_PROXY_FILES = { template: 'reader-proxy/nginx.conf.template', htpasswd: 'reader-proxy/htpasswd' } as const;

/** Where the container sees them. */
export const READER_PROXY_CONTAINER_PATHS = { template: '/etc/nginx/templates/nginx.conf.template', htpasswd: '/etc/nginx/concord/htpasswd', outputDir: '/etc/nginx' } as const;

/** The environment variable that sets the proxy's listen address (`address:port` or `port`, as nginx's `listen`). */
export const READER_PROXY_LISTEN_VARIABLE = 'CONCORD_READER_PROXY_LISTEN';

/** The first port tried for the default listen address. */
const DEFAULT_PROXY_PORT = 8580;

/**
 * The default listen address: 127.0.0.1 (TLS goes in front) at the first port from 8580 that none of
 * `usedPorts` (the member's node ports) takes.
 */
export function defaultProxyListen(usedPorts: readonly number[]): string {
  let port = DEFAULT_PROXY_PORT;
  while (usedPorts.includes(port)) port++;
  return `${LOOPBACK}:${port}`;
}

/** Where the proxy forwards: the node it fronts (node-0) and its RPC port on 127.0.0.1. */
export interface ReaderProxyUpstream {
  upstreamFolder: string;
  upstreamRpcPort: number;
}

/** What the proxy's credentials are made from. */
export interface ReaderCredentialsInput {
  memberName: string;
  chainName: string;
  chainId: number;
  readers: readonly ServedReader[];
  /** Each served reader's randomness, by reader name (from the member's client). */
  randomness: ReadonlyMap<string, ReaderRandomness>;
}

/** A file of the proxy's, with whether it is secret. */
export interface ReaderProxyFile {
  path: string;
  content: string;
  secret: boolean;
}

/** The nginx main config template as a directive tree (what the file parses back to). */
export function readerProxyConfig(input: ReaderProxyUpstream): NginxNode[] {
  const upstream = `${LOOPBACK}:${input.upstreamRpcPort}`;
  return [
    { comment: `Concord reader proxy: HTTP Basic authentication in front of ${input.upstreamFolder}'s JSON-RPC at ${upstream}.` },
    { comment: `A template: the nginx image's entrypoint writes it to /etc/nginx/nginx.conf, with the listen address from ${READER_PROXY_LISTEN_VARIABLE}.` },
    { comment: 'Plain HTTP: put your TLS terminator in front of this listener (README.md, Read access).' },
    { name: 'user', args: ['nginx'] },
    { name: 'worker_processes', args: ['1'] },
    { name: 'events', args: [], block: [{ name: 'worker_connections', args: ['256'] }] },
    {
      name: 'http',
      args: [],
      block: [
        { name: 'server_tokens', args: ['off'] },
        { name: 'access_log', args: ['/var/log/nginx/access.log'] },
        {
          name: 'server',
          args: [],
          block: [
            { name: 'listen', args: [{ env: READER_PROXY_LISTEN_VARIABLE }] },
            { name: 'client_max_body_size', args: ['1m'] },
            { name: 'auth_basic', args: ['Concord JSON-RPC'] },
            { name: 'auth_basic_user_file', args: [READER_PROXY_CONTAINER_PATHS.htpasswd] },
            {
              name: 'location',
              args: ['=', '/'],
              block: [
                { name: 'limit_except', args: ['POST'], block: [{ name: 'deny', args: ['all'] }] },
                { name: 'proxy_pass', args: [`http://${upstream}`] },
                { name: 'proxy_http_version', args: ['1.1'] },
                { comment: 'OpenEthereum accepts only its own listen address as Host (bin/oe/rpc.rs).' },
                { name: 'proxy_set_header', args: ['Host', upstream] },
                { comment: "The reader's password stops here." },
                { name: 'proxy_set_header', args: ['Authorization', ''] },
              ],
            },
            { name: 'location', args: ['/'], block: [{ name: 'return', args: ['404'] }] },
          ],
        },
      ],
    },
  ];
}

/** The text of `reader-proxy/nginx.conf.template`. */
export function buildReaderProxyConfig(input: ReaderProxyUpstream): string {
  return serializeNginxConf(readerProxyConfig(input), READER_PROXY_FILES.template);
}

/** What each reader's credential file says about where to connect. */
export function readerAccessText(memberName: string): string {
  return `HTTP POST of JSON-RPC (eth, net, web3) with Basic authentication to the https URL ${memberName} gives you`;
}

/**
 * The proxy's files made from the readers' randomness: the htpasswd of every served reader's hash, and
 * one credential file per reader (the template, `buildReaderProxyConfig`, follows from the node alone).
 * Refuses randomness that does not cover exactly the served readers.
 */
export function buildReaderCredentialFiles(input: ReaderCredentialsInput): ReaderProxyFile[] {
  const names = new Set(input.readers.map((reader) => reader.name));
  const extra = [...input.randomness.keys()].filter((name) => !names.has(name));
  const missing = input.readers.filter((reader) => !input.randomness.has(reader.name));
  if (extra.length > 0 || missing.length > 0) {
    throw new ConcordError('INTERNAL', 'readerRandomness', `randomness for exactly the ${input.readers.length} reader(s) ${input.memberName} serves`);
  }
  const entries: { user: string; hash: string }[] = [];
  const credentials: ReaderProxyFile[] = [];
  for (const reader of input.readers) {
    const random = input.randomness.get(reader.name) as ReaderRandomness;
    const password = readerPasswordFromRandom(random.password);
    entries.push({ user: reader.user, hash: sshaHash(password, random.salt) });
    credentials.push({
      path: readerCredentialPath(reader.user),
      content: serializeReaderCredential({
        format: READER_CREDENTIAL_FORMAT,
        reader: reader.name,
        servedBy: input.memberName,
        chain: input.chainName,
        chainId: input.chainId,
        user: reader.user,
        password,
        access: readerAccessText(input.memberName),
      }),
      secret: true,
    });
  }
  const comments = ['Concord reader proxy users: {SSHA} hashes only (nginx ngx_crypt_ssha); each password is in readers/<user>.json.'];
  return [{ path: READER_PROXY_FILES.htpasswd, content: serializeHtpasswd(comments, entries, READER_PROXY_FILES.htpasswd), secret: false }, ...credentials];
}
