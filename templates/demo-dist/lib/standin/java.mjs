// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// What `libexec/standin-java` runs. It accepts the command line the Alluxio scripts give to a real
// JVM (`-cp CLASSPATH`, `-Dkey=value` system properties, `-X...`/`-XX:...` and other JVM flags,
// then a main class and its arguments) and runs the stand-in program for that class. `-D`
// options behave like Java system properties: the last one for a key wins.

import { Configuration, createLogger, VERSION } from './common.mjs';
import { runFormat } from './format.mjs';
import { runMaster } from './master.mjs';
import { runWorker } from './worker.mjs';

/** JVM options that take the next argument as their value. */
const OPTIONS_WITH_VALUE = new Set(['-cp', '-classpath', '--class-path', '-p', '--module-path']);

export function parseJavaCommandLine(argv) {
  const systemProperties = new Map();
  let classpath = '';
  let i = 0;
  for (; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('-')) break;
    if (OPTIONS_WITH_VALUE.has(arg)) {
      if (arg !== '-p' && arg !== '--module-path') classpath = argv[i + 1] ?? '';
      i += 1;
    } else if (arg.startsWith('-D')) {
      const eq = arg.indexOf('=');
      if (eq === -1) systemProperties.set(arg.slice(2), '');
      else systemProperties.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (arg === '-version' || arg === '--version') {
      return { versionOnly: true, systemProperties, classpath, mainClass: null, args: [] };
    }
    // Everything else (-Xmx..., -XX:..., -server, -ea, -agentlib:..., -javaagent:...) is a JVM
    // tuning flag that means nothing to the stand-in.
  }
  return { versionOnly: false, systemProperties, classpath, mainClass: argv[i] ?? null, args: argv.slice(i + 1) };
}

async function main(argv) {
  const command = parseJavaCommandLine(argv);
  if (command.versionOnly) {
    // The shape Alluxio 2.x's alluxio-config.sh parses; 1.x scripts do not ask.
    process.stderr.write(`openjdk version "1.8.0_standin"\nStand-in Java for the Alluxio stand-in ${VERSION} (runs Node ${process.version})\n`);
    return 0;
  }
  if (command.mainClass === null) {
    process.stderr.write('Usage: standin-java [-cp CLASSPATH] [-Dkey=value ...] MAINCLASS [args...]\n');
    return 1;
  }
  const conf = new Configuration(command.systemProperties);
  switch (command.mainClass) {
    case 'alluxio.master.AlluxioMaster':
      await runMaster(conf);
      return null;
    case 'alluxio.worker.AlluxioWorker':
      await runWorker(conf);
      return null;
    case 'alluxio.cli.Format':
      return runFormat(conf, createLogger(conf, 'format.log', 'Format'), command.args[0]);
    case 'alluxio.cli.Version':
      process.stdout.write(`Alluxio version: ${VERSION} (STAND-IN)\n`);
      return 0;
    case 'alluxio.cli.GetConf': {
      const key = command.args.find((a) => !a.startsWith('-'));
      if (key !== undefined) {
        const value = conf.get(key);
        if (value === undefined) {
          process.stderr.write(`${key} is not set\n`);
          return 1;
        }
        process.stdout.write(`${value}\n`);
        return 0;
      }
      for (const [k, v] of conf.all()) process.stdout.write(`${k}=${v ?? ''}\n`);
      return 0;
    }
    default:
      process.stderr.write(
        `Error: Could not find or load main class ${command.mainClass}\n` +
          '(this is the Alluxio stand-in: it knows alluxio.master.AlluxioMaster, alluxio.worker.AlluxioWorker, ' +
          'alluxio.cli.Format, alluxio.cli.Version and alluxio.cli.GetConf)\n',
      );
      return 1;
  }
}

// `null` means a server is running and owns the process lifetime (it exits on SIGTERM).
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== null) process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`Exception in stand-in main: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
