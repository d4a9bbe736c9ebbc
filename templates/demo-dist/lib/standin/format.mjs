// STAND-IN for Alluxio: NOT Alluxio. See STAND-IN.md at the top of this distribution.
//
// `alluxio.cli.Format master|worker`, as run by `bin/alluxio format` / `formatWorker`. Like Alluxio
// 1.x, formatting the master wipes each master service's journal directory and leaves a breadcrumb
// file named `<alluxio.master.format.file_prefix><epoch ms>` in it; the master refuses to start
// until every journal directory has one.

import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JOURNALED_MASTERS, localJournalFolder } from './common.mjs';

function formatPrefix(conf) {
  return conf.get('alluxio.master.format.file_prefix');
}

/** The journal directories that are missing a format breadcrumb (all of them when never formatted). */
export function unformattedJournals(conf) {
  const folder = localJournalFolder(conf);
  const prefix = formatPrefix(conf);
  return JOURNALED_MASTERS.map((name) => join(folder, name)).filter(
    (dir) => !existsSync(dir) || !readdirSync(dir).some((entry) => entry.startsWith(prefix)),
  );
}

export function formatMaster(conf, log) {
  const folder = localJournalFolder(conf);
  if (folder === null) {
    throw new Error(
      `The stand-in keeps its journal on the local file system only; alluxio.master.journal.folder is ` +
        `${conf.get('alluxio.master.journal.folder')}`,
    );
  }
  log.info(`MASTER JOURNAL: ${folder}`);
  for (const name of JOURNALED_MASTERS) {
    const dir = join(folder, name);
    log.info(`Formatting ${dir}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${formatPrefix(conf)}${Date.now()}`), '');
  }
}

export function formatWorker(conf, log) {
  // The stand-in worker stores no blocks, so there is nothing to wipe. It deliberately does not touch
  // the tier directories (for example /mnt/ramdisk) that a real worker would clear.
  const dirs = conf.get('alluxio.worker.tieredstore.level0.dirs.path');
  log.info(`Stand-in worker keeps no block data; nothing to format under ${dirs}`);
}

export function runFormat(conf, log, modeArg) {
  const mode = String(modeArg ?? '').toUpperCase();
  if (mode !== 'MASTER' && mode !== 'WORKER') {
    log.error(`Unrecognized format mode: ${modeArg ?? '(none)'}`);
    log.error('Usage: java -cp <classpath> alluxio.cli.Format <MASTER/WORKER>');
    return 255;
  }
  try {
    if (mode === 'MASTER') formatMaster(conf, log);
    else formatWorker(conf, log);
  } catch (error) {
    log.error(`Failed to format: ${error.message}`);
    return 255;
  }
  log.info('Formatting complete');
  return 0;
}
