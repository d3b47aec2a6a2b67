/**
 * The Markdown pieces the operators' READMEs are built from: table rows with every cell escaped, and
 * inline code. Lines are joined by the README builders; no README is one template.
 */

/** A table cell: `\` and `|` escaped, newlines folded to spaces. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A table: header row, separator, one row per entry. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => ' --- |').join('')}`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)];
}

/** Inline code (backquotes in the text are dropped). */
export function code(text: string): string {
  return `\`${text.replace(/`/g, '')}\``;
}
