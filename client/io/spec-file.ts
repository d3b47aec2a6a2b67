/**
 * Reading a ceremony spec file: JSON, then the shared schema, errors naming the file and field.
 */
import type { CeremonySpec } from '../../shared/spec/schema.js';
import { parseSpec } from '../../shared/spec/parse.js';
import { readJson } from './files.js';

export async function readSpecFile(path: string): Promise<CeremonySpec> {
  return parseSpec(await readJson(path, 'a ceremony spec'), path);
}
