/**
 * Asking a person for a password on the terminal without echoing it: raw mode, one key at a time,
 * backspace handled, Ctrl-C aborts. Only when stdin is a terminal; scripts use a file or a variable.
 */
import { ConcordError } from '../../shared/errors.js';

/** Reads a password from the terminal with no echo. */
export function promptPassword(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new ConcordError('FILE_INVALID', '--password-file', 'a password file or environment variable (no terminal to ask on)');
  // Raw mode (no echo) before the question: a password typed as soon as it shows is never echoed.
  input.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (outcome: () => void): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      outcome();
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish(() => resolve(typed));
        if (char === '\u0003') return finish(() => reject(new ConcordError('FILE_INVALID', 'password', 'a password (the prompt was cancelled)')));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    input.resume();
    input.on('data', onData);
  });
}
