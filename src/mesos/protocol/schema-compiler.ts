/**
 * The build-time side of the schema: the Mesos .proto files, parsed by protobufjs (through
 * `descriptors.ts`, which also compiles them into the tables a command reads). Used by
 * `scripts/compile-schema.mjs` (from `npm run build`) and tests; no command imports it.
 */
import { readFileSync } from 'node:fs';

import type protobuf from 'protobufjs';

import { parseProtoSources } from './descriptors.js';

/** The schema files, in dependency order (scheduler, master and legacy refer to mesos.v1 types). */
const MESOS_PROTO_FILES = ['mesos.proto', 'scheduler.proto', 'master.proto', 'legacy.proto'] as const;

/** Where the .proto files are when this module runs from src/ (tests); the build script passes its own. */
const SOURCE_PROTO_DIRECTORY = new URL('./proto/', import.meta.url);

/** The Mesos schema files of `directory` (default: `proto/` beside this module in src/), parsed. */
export function parseMesosProtoFiles(directory: URL = SOURCE_PROTO_DIRECTORY): protobuf.Root {
  return parseProtoSources(MESOS_PROTO_FILES.map((file) => readFileSync(new URL(file, directory), 'utf8')));
}
