/**
 * An nginx configuration file, written from a tree of directives: the one serializer of the format.
 *
 * nginx's syntax (nginx.org/en/docs/beginners_guide.html, "Configuration File's Structure"): a simple
 * directive is a name and arguments ending in `;`, a block directive has `{ … }` instead, `#` starts a
 * comment to the end of the line. Arguments are words or quoted strings; `$` in an argument starts a
 * variable in directives that take variables. Our files are also read by the docker nginx image's
 * template step (nginxinc/docker-nginx `entrypoint/20-envsubst-on-templates.sh`), which runs
 * `envsubst` over them with every defined environment variable: so a plain argument or comment never
 * holds `$`, and the only `$` we write is an `{ env: NAME }` argument, written `${NAME}` on purpose.
 * Anything else that could change the parse (`;`, `{`, `}`, quotes, a newline) is refused, not escaped.
 */
import { ConcordError } from '../errors.js';

/** An argument: a word, or an environment variable the image's template step substitutes. */
export type NginxArg = string | { env: string };

/** A simple directive (`args` then `;`) or a block directive (`args` then `{ children }`). */
export interface NginxDirective {
  name: string;
  args: readonly NginxArg[];
  block?: readonly NginxNode[];
}

/** A whole-line comment. */
export interface NginxComment {
  comment: string;
}

/** A line of the file, or a blank line between groups. */
export type NginxNode = NginxDirective | NginxComment | { blank: true };

const NAME = /^[a-z_][a-z0-9_]*$/;
const WORD = /^[A-Za-z0-9_./:@=,+*-]+$/;
const QUOTABLE = /^[ A-Za-z0-9_./:@=,+*()!?-]*$/;
const ENV = /^[A-Z][A-Z0-9_]*$/;

function argument(arg: NginxArg, where: string): string {
  if (typeof arg !== 'string') {
    if (!ENV.test(arg.env)) throw new ConcordError('FILE_INVALID', where, 'an environment variable name of A-Z, 0-9 and _');
    return `\${${arg.env}}`;
  }
  if (WORD.test(arg)) return arg;
  if (QUOTABLE.test(arg)) return `"${arg}"`;
  throw new ConcordError('FILE_INVALID', where, 'an argument of letters, digits, space and . / : @ = , + * ( ) ! ? - _ (no $, quote, ; or brace)');
}

function serializeNodes(nodes: readonly NginxNode[], depth: number, file: string, out: string[]): void {
  const indent = '    '.repeat(depth);
  for (const node of nodes) {
    if ('blank' in node) {
      out.push('');
    } else if ('comment' in node) {
      if (/[\r\n$]/.test(node.comment)) throw new ConcordError('FILE_INVALID', file, 'a comment on one line, without $');
      out.push(node.comment === '' ? `${indent}#` : `${indent}# ${node.comment}`);
    } else {
      const where = `${file}: ${node.name}`;
      if (!NAME.test(node.name)) throw new ConcordError('FILE_INVALID', file, 'a directive name of a-z, 0-9 and _');
      const head = [node.name, ...node.args.map((arg) => argument(arg, where))].join(' ');
      if (node.block === undefined) {
        out.push(`${indent}${head};`);
      } else {
        out.push(`${indent}${head} {`);
        serializeNodes(node.block, depth + 1, file, out);
        out.push(`${indent}}`);
      }
    }
  }
}

/** The text of an nginx configuration file; `file` names it in errors. */
export function serializeNginxConf(nodes: readonly NginxNode[], file: string): string {
  const out: string[] = [];
  serializeNodes(nodes, 0, file, out);
  return `${out.join('\n')}\n`;
}
