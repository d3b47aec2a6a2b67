/**
 * Command lines commander refuses (an unknown or missing option, a bad option value, too many
 * arguments, no command) become Concord refusals: exit 2 with a `next:` hint, and the JSON error under
 * --json, like any other bad input, instead of commander's own message and exit 1. --help and
 * --version still print what they print and exit 0.
 */
import type { Command, CommanderError } from 'commander';
import { ConcordError } from '../../shared/errors.js';

/** Commander's message without its `error: ` prefix, and without the value of an unknown `--option=value` (it may be a secret typed by mistake). */
function describe(error: CommanderError, command: Command, path: string): string {
  if (error.code === 'commander.help') return `${path} needs one of its commands: ${command.commands.map((sub) => sub.name()).join(', ')}`;
  return error.message.replace(/^error: /, '').replace(/'(--[^=' ]+)=[^']*'/g, "'$1=…'");
}

/** A command line that commander refused, as a USAGE_INVALID error whose message is commander's. */
export class UsageError extends ConcordError {
  constructor(path: string, message: string) {
    super('USAGE_INVALID', path, `arguments and options as \`${path} --help\` lists them`);
    this.message = message;
  }
}

/** Makes `command` and every command under it throw a UsageError where commander would print an error and exit 1. */
export function refuseBadUsage(command: Command, path: string = command.name()): void {
  // reportError prints the error, as text or JSON.
  command.configureOutput({ outputError: () => undefined });
  command.exitOverride((error: CommanderError) => {
    // --help and --version: returning lets commander exit 0 as usual.
    if (error.exitCode === 0) return;
    throw new UsageError(path, describe(error, command, path));
  });
  for (const sub of command.commands) refuseBadUsage(sub, `${path} ${sub.name()}`);
}
