/**
 * The driver's messages in `legacy.proto`, and the v1 types that stand in for the v0 ones on the
 * legacy wire, against facts extracted from upstream Mesos at the release tags the legacy transport
 * targets (test/fixtures/mesos-upstream/legacy-facts.json, written by extract-legacy.mjs beside it):
 * same numbers, labels and types; every v0 field our twin declares has the same wire type; every
 * required v0 field exists (so what we send parses); every v0 enum number decodes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';

import { parseMesosProtoFiles } from '../../../../src/mesos/protocol/schema-compiler.js';
import { mesosFeatures, parseMesosVersion } from '../../../../src/mesos/client/version.js';

/** Our .proto files as protobufjs reads them, parsed once for every tag. */
const ourSchema = parseMesosProtoFiles();

interface FieldFacts {
  number: number;
  rule: string;
  type: string;
}
interface TagFacts {
  messages: Record<string, Record<string, FieldFacts>>;
  enums: Record<string, Record<string, number>>;
}
interface LegacyFacts {
  source: { repository: string; tags: string[] };
  tags: Record<string, TagFacts>;
}

const FACTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/mesos-upstream/legacy-facts.json');
const facts = JSON.parse(readFileSync(FACTS_FILE, 'utf8')) as LegacyFacts;

/** v0 types v1 renamed beyond slave -> agent (same numbers and types). */
const RENAMED: Record<string, string> = { '.mesos.HealthCheck.HTTP': '.mesos.v1.HealthCheck.HTTPCheckInfo' };

/**
 * SUBSCRIBE never travels as a Call over libprocess (the driver registers with
 * RegisterFrameworkMessage), so v0's `Call.Subscribe.force` and v1's `suppressed_roles`, which share
 * number 2, never meet.
 */
const NEVER_SENT = new Set(['.mesos.scheduler.Call.Subscribe']);

/** The name of our type that reads and writes an upstream (v0) type. */
function twin(name: string): string {
  const renamed = RENAMED[name];
  if (renamed !== undefined) return renamed;
  if (name.startsWith('.mesos.internal.')) return name;
  if (name.startsWith('.mesos.scheduler.')) return `.mesos.v1.scheduler.${name.slice('.mesos.scheduler.'.length)}`;
  if (name.startsWith('.mesos.')) return `.mesos.v1.${name.slice('.mesos.'.length).replaceAll('Slave', 'Agent')}`;
  return name;
}

function ruleOf(field: protobuf.Field): string {
  return (field as unknown as { rule?: string }).rule ?? 'optional';
}

function typeName(field: protobuf.Field): string {
  return field.resolvedType ? field.resolvedType.fullName : field.type;
}

function differences(root: protobuf.Root, tag: TagFacts): string[] {
  const problems: string[] = [];
  const internal = root.lookup('mesos.internal') as protobuf.Namespace;
  for (const type of internal.nestedArray) {
    if (!(type instanceof protobuf.Type)) continue;
    const upstream = tag.messages[type.fullName];
    if (upstream === undefined) {
      problems.push(`${type.fullName}: not upstream`);
      continue;
    }
    for (const field of type.fieldsArray) {
      const theirs = upstream[field.name];
      const mine = { number: field.id, rule: ruleOf(field), type: typeName(field) };
      if (theirs === undefined) problems.push(`${type.fullName}.${field.name}: not upstream`);
      else if (JSON.stringify({ ...theirs, type: twin(theirs.type) }) !== JSON.stringify(mine)) {
        problems.push(`${type.fullName}.${field.name}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`);
      }
    }
  }
  for (const [name, fields] of Object.entries(tag.messages)) {
    if (name.startsWith('.mesos.internal.') || NEVER_SENT.has(name)) continue;
    const ours = root.lookup(twin(name));
    if (!(ours instanceof protobuf.Type)) {
      problems.push(`${name}: no twin ${twin(name)}`);
      continue;
    }
    for (const [fieldName, theirs] of Object.entries(fields)) {
      const mine = ours.fieldsById[theirs.number];
      if (mine === undefined) {
        if (theirs.rule === 'required') problems.push(`${name}.${fieldName}: required upstream, missing in ${ours.fullName}`);
        continue;
      }
      if (typeName(mine) !== twin(theirs.type))
        problems.push(`${name}.${fieldName} (${theirs.number}): ${typeName(mine)} vs ${theirs.type}`);
      if ((ruleOf(mine) === 'repeated') !== (theirs.rule === 'repeated')) problems.push(`${name}.${fieldName}: repeated differs`);
    }
  }
  for (const [name, values] of Object.entries(tag.enums)) {
    const ours = root.lookup(twin(name));
    if (!(ours instanceof protobuf.Enum)) {
      problems.push(`${name}: no twin enum`);
      continue;
    }
    const numbers = new Set(Object.values(ours.values));
    for (const [value, number] of Object.entries(values)) if (!numbers.has(number)) problems.push(`${name}.${value} = ${number}: not ours`);
  }
  return problems;
}

describe('legacy schema vs upstream Mesos at the release tags', () => {
  it('covers the tags the legacy transport targets', () => {
    expect(Object.keys(facts.tags)).toEqual(['0.23.0', '0.24.0', '0.25.0', '0.28.0', '1.0.0']);
  });

  it.each(Object.keys(facts.tags))('%s: messages, Call and the v0 types agree with ours on the wire', (tag) => {
    const tagFacts = facts.tags[tag] as TagFacts;
    expect(Object.keys(tagFacts.messages).length).toBeGreaterThan(30);
    expect(differences(ourSchema, tagFacts)).toEqual([]);
  });

  it.each(Object.keys(facts.tags))('%s: the Call types ours encode have the same numbers; SUPPRESS only where the gate allows', (tag) => {
    const upstream = (facts.tags[tag] as TagFacts).enums['.mesos.scheduler.Call.Type'] ?? {};
    const ours = (ourSchema.lookup('.mesos.v1.scheduler.Call.Type') as protobuf.Enum).values;
    for (const [name, number] of Object.entries(upstream)) expect([name, ours[name]]).toEqual([name, number]);
    expect('SUPPRESS' in upstream).toBe(mesosFeatures(parseMesosVersion(tag)).hasSuppressCall);
  });

  it('notices a changed number, a missing required field and an enum value we cannot decode', () => {
    const tag: TagFacts = {
      messages: {
        '.mesos.internal.LostSlaveMessage': { slave_id: { number: 2, rule: 'required', type: '.mesos.SlaveID' } },
        '.mesos.FrameworkID': {
          value: { number: 1, rule: 'required', type: 'string' },
          extra: { number: 99, rule: 'required', type: 'string' },
        },
      },
      enums: { '.mesos.TaskState': { TASK_FUTURE: 77 } },
    };
    const found = differences(ourSchema, tag);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.mesos\.internal\.LostSlaveMessage\.slave_id: /),
        '.mesos.FrameworkID.extra: required upstream, missing in .mesos.v1.FrameworkID',
        '.mesos.TaskState.TASK_FUTURE = 77: not ours',
      ]),
    );
  });
});
