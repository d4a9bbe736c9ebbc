/**
 * The layering of src/, checked by `npm run lint:layers` (and so by `npm test`).
 *
 *   cli, main, demo         entry points: the command list, exit codes
 *   commands/<name>         one folder per command: flags (command.ts) and runner (run.ts)
 *   context                 what every command uses: IO, site configuration, master connection
 *   features                init, checkports, framework, logs, status, emulator: never each other
 *   state                   the scheduler's state shared by several commands (ledger, files, names)
 *   mesos | config          Mesos client and protocol | Alluxio configuration: never each other
 *   ui                      terminal IO, prompts, spinners, tables
 *   shared                  errors, clock, backoff, processes, files: imports nothing of ours
 *
 * A module imports only from its own layer or the layers below it.
 */
const FEATURES = '(init|checkports|framework|logs|status|emulator)';
const layers = [
  ['entry', '^src/(cli/|main\\.ts$|demo\\.ts$)'],
  ['commands', '^src/commands/'],
  ['context', '^src/context/'],
  ['features', `^src/${FEATURES}/`],
  ['state', '^src/state/'],
  ['mesos-config', '^src/(mesos|config)/'],
  ['ui', '^src/ui/'],
  ['shared', '^src/(shared|types)/'],
];

const upward = [];
for (let low = 1; low < layers.length; low += 1) {
  for (let high = 0; high < low; high += 1) {
    upward.push({
      name: `${layers[low][0]}-imports-${layers[high][0]}`,
      comment: `${layers[low][0]} is below ${layers[high][0]}: it must not import it`,
      severity: 'error',
      from: { path: layers[low][1] },
      to: { path: layers[high][1] },
    });
  }
}

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    ...upward,
    {
      name: 'feature-imports-feature',
      comment: 'features are independent: share through state/, mesos/, config/, ui/ or shared/',
      severity: 'error',
      from: { path: `^src/${FEATURES}/` },
      to: { path: `^src/${FEATURES}/`, pathNot: '^src/$1/' },
    },
    {
      name: 'command-imports-command',
      comment: 'commands never import each other; what two commands share goes to commands/common or lower',
      severity: 'error',
      from: { path: '^src/commands/([^/]+)/', pathNot: '^src/commands/common/' },
      to: { path: '^src/commands/', pathNot: ['^src/commands/$1/', '^src/commands/common/'] },
    },
    {
      name: 'mesos-imports-config',
      comment: 'the Mesos client knows nothing of Alluxio',
      severity: 'error',
      from: { path: '^src/mesos/' },
      to: { path: '^src/config/' },
    },
    {
      name: 'config-imports-mesos',
      comment: "Alluxio's configuration knows nothing of Mesos",
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/mesos/' },
    },
    {
      name: 'emulator-uses-client',
      comment: 'the emulator shares only the codecs, the resource model and address parsing with the client',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/mesos/client/', pathNot: '^src/mesos/client/address\\.ts$' },
    },
    {
      name: 'protobufjs-at-build-time',
      comment:
        'the schema is compiled at build time; commands read the compiled tables: protobufjs only as types (descriptors.ts loads it lazily for .proto text, the build and tests), schema-compiler.ts only from the build script and tests',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/mesos/protocol/schema-compiler\\.ts$' },
      to: {
        path: ['node_modules/protobufjs/', '^src/mesos/protocol/schema-compiler\\.ts$'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-orphans',
      comment: 'a module nothing imports is dead code',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: ['\\.d\\.ts$', '^src/(main|demo)\\.ts$'] },
      to: {},
    },
    {
      name: 'not-to-test',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};
