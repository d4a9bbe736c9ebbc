#!/usr/bin/env node
// Compiles the Mesos schema at build time: protobufjs parses src/mesos/protocol/proto/*.proto and the
// descriptor tables go to dist/mesos/protocol/mesos-schema.json, which the CLI reads at run time
// (no protobufjs, no .proto parsing in a command). Runs after tsc (it uses the compiled
// descriptors.js and schema-compiler.js). `--update-source` rewrites the checked-in copy beside descriptors.ts that
// tests run from src/ read; a unit test fails while that copy differs from the .proto files.
// Usage: node scripts/compile-schema.mjs [--update-source]
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { compileSchemaTables } = await import(pathToFileURL(path.join(root, 'dist/mesos/protocol/descriptors.js')).href);
const { parseMesosProtoFiles } = await import(pathToFileURL(path.join(root, 'dist/mesos/protocol/schema-compiler.js')).href);
const tables = compileSchemaTables(parseMesosProtoFiles(pathToFileURL(path.join(root, 'src/mesos/protocol/proto/'))));

/** One line per field and per enum, so a schema change is a readable diff. */
function formatForReading({ messages, enums }) {
  const message = ([name, fields]) =>
    `  ${JSON.stringify(name)}: [${fields.length === 0 ? '' : `\n${fields.map((field) => `   ${JSON.stringify(field)}`).join(',\n')}\n  `}]`;
  const enumValues = ([name, values]) => `  ${JSON.stringify(name)}: ${JSON.stringify(values)}`;
  return `{\n "messages": {\n${Object.entries(messages).map(message).join(',\n')}\n },\n "enums": {\n${Object.entries(enums).map(enumValues).join(',\n')}\n }\n}\n`;
}

if (process.argv.includes('--update-source')) {
  const target = path.join(root, 'src/mesos/protocol/mesos-schema.json');
  writeFileSync(target, formatForReading(tables));
  console.log(`wrote ${path.relative(root, target)}`);
} else {
  writeFileSync(path.join(root, 'dist/mesos/protocol/mesos-schema.json'), JSON.stringify(tables));
}
