/**
 * `checkEndpointsToCommit` (shared/ceremony/contribution.ts): the client's check of the endpoints a
 * member is about to commit to. A refused reveal cannot be redone with other endpoints (it must open the
 * commitment), so every rule the coordinator applies to the member's own endpoints is applied first.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/parse.js';
import type { CeremonySpec, SpecMember } from '../../../shared/spec/schema.js';
import { checkEndpointsToCommit } from '../../../shared/ceremony/contribution.js';
import { expectThrows } from '../../helpers/errors.js';

/** The seed spec, its first member running two nodes, its second's endpoint fixed by the spec. */
function seedSpec(): CeremonySpec {
  const json = JSON.parse(readFileSync(new URL('../../../ceremony-specs/seed-consortium.json', import.meta.url), 'utf8')) as { members: Record<string, unknown>[] };
  (json.members[0] as Record<string, unknown>).authorityNodes = 2;
  (json.members[1] as Record<string, unknown>).endpoints = ['node.contoso.example:30303'];
  return parseSpec(json);
}

describe('checkEndpointsToCommit', () => {
  const spec = seedSpec();
  const member = spec.members[0] as SpecMember;

  it('accepts one valid endpoint per node', () => {
    expect(() => checkEndpointsToCommit(spec, member, ['10.0.0.1:30303', 'node-2.northwind.example:30303'], '--endpoint')).not.toThrow();
  });

  it('refuses another number of endpoints than nodes', () => {
    expectThrows(() => checkEndpointsToCommit(spec, member, ['10.0.0.1:30303'], '--endpoint'), 'ENDPOINT_INVALID', '--endpoint');
  });

  it('refuses an endpoint the coordinator would refuse, naming it and saying why', () => {
    const error = expectThrows(() => checkEndpointsToCommit(spec, member, ['10.0.0.1:30303', '10.0.0.256:30303'], '--endpoint'), 'ENDPOINT_INVALID', '--endpoint[1]');
    expect(error.expected).toBe('an IPv4 address as four decimal numbers 0..255 without leading zeros (a host ending in a number is no DNS name)');
    expectThrows(() => checkEndpointsToCommit(spec, member, ['0.0.0.0:30303', '10.0.0.2:30303'], '--endpoint'), 'ENDPOINT_INVALID', '--endpoint[0]');
  });

  it('refuses one endpoint for two nodes, whatever the case of the host', () => {
    expectThrows(() => checkEndpointsToCommit(spec, member, ['node.northwind.example:30303', 'NODE.Northwind.example:30303'], '--endpoint'), 'ENDPOINT_INVALID', '--endpoint[1]');
  });

  it("refuses an endpoint the spec fixes for another member's node, whatever the case of the host", () => {
    const error = expectThrows(() => checkEndpointsToCommit(spec, member, ['10.0.0.1:30303', 'Node.Contoso.example:30303'], '--endpoint'), 'ENDPOINT_INVALID', '--endpoint[1]');
    expect(error.expected).toBe('an endpoint not already used by a node of Contoso Bank (fixed by the spec)');
  });
});
