/**
 * Pure functions between flags, existing values and answers, and from answers to the new
 * properties document and CLI settings. No I/O, no prompts.
 */
import type { CliSettings } from '../config/cli-settings.js';
import type { PropertiesDocument } from '../config/properties.js';
import { spellingsOf } from '../config/catalog.js';
import { setProperty } from '../config/lookup.js';
import { writeSiteProperty } from '../config/site-config.js';
import type { InitInputs } from './inputs.js';
import { propertyKeyOf, STEPS, type Answers, type PortSpelling, type Step, type StepId } from './steps.js';

const PORT_STEPS: readonly StepId[] = ['masterPort', 'masterWebPort', 'workerPort', 'workerDataPort', 'workerWebPort'];

const isLocalKeyword = (value: string): boolean => value.trim().toUpperCase() === 'LOCAL';

/** Answers given on the command line. `master` comes from the global `--master`. */
export function answersFromFlags(flags: InitInputs, master: string | undefined): Answers {
  const answers: Answers = {};
  if (master !== undefined) answers.master = master;
  if (flags.jarUrl !== undefined) {
    if (isLocalKeyword(flags.jarUrl)) {
      answers.distribution = 'local';
    } else {
      answers.distribution = 'tarball';
      answers.jarUrl = flags.jarUrl;
    }
  }
  if (flags.jdkUrl !== undefined) {
    if (isLocalKeyword(flags.jdkUrl)) {
      answers.java = 'local';
    } else {
      answers.java = 'jdk';
      answers.jdkUrl = flags.jdkUrl;
    }
  }
  const direct: Array<[StepId, string | undefined]> = [
    ['alluxioHome', flags.alluxioHome],
    ['jdkPath', flags.jdkPath],
    ['masterCount', flags.masterCount ?? flags.masters],
    ['ha', flags.ha],
    ['zookeeperAddress', flags.zookeeperAddress],
    ['journalFolder', flags.journalFolder],
    ['embeddedJournalAddresses', flags.embeddedJournalAddresses],
    ['alluxioMaster', flags.masterHost ?? flags.alluxioMaster],
    ['masterCpus', flags.masterCpus],
    ['masterMem', flags.masterMem],
    ['workerCpus', flags.workerCpus],
    ['workerMem', flags.workerMem],
    ['workerMemorySize', flags.workerMemorySize],
    ['masterPort', flags.masterPort],
    ['masterWebPort', flags.masterWebPort],
    ['workerPort', flags.workerPort],
    ['workerDataPort', flags.workerDataPort],
    ['workerWebPort', flags.workerWebPort],
    ['role', flags.role],
    ['principal', flags.principal],
    ['secretFile', flags.secretFile],
    ['user', flags.user],
    ['underfsAddress', flags.underfsAddress],
    ['maxWorkers', flags.maxWorkers],
    ['state', flags.state],
  ];
  for (const [id, value] of direct) if (value !== undefined) answers[id] = value;
  if (PORT_STEPS.some((id) => answers[id] !== undefined)) answers.customPorts = 'yes';
  return answers;
}

/**
 * The value a step starts from on a re-run: what the file or the settings hold now, else the
 * catalog default. Derived steps are read back from the properties they decide.
 */
export function currentValue(
  step: Step,
  doc: PropertiesDocument | undefined,
  settings: CliSettings,
  spelling: PortSpelling,
  catalogDefault: (key: string) => string | undefined,
): string | undefined {
  // Whatever spelling (1.x or 2.x) the file uses for the property.
  const read = (key: string): string | undefined => (doc === undefined ? undefined : setProperty(doc, key)?.value) ?? catalogDefault(key);
  switch (step.target.kind) {
    case 'setting': {
      const value = settings[step.target.key];
      return value === undefined ? undefined : String(value);
    }
    case 'property':
      return read(propertyKeyOf(step, spelling) ?? '');
    case 'derived':
      break;
  }
  if (step.id === 'distribution') {
    const jar = doc?.get('alluxio.integration.mesos.alluxio.jar.url');
    if (jar === undefined) return undefined;
    return isLocalKeyword(jar) ? 'local' : 'tarball';
  }
  if (step.id === 'java') {
    const jdk = read('alluxio.integration.mesos.jdk.url');
    return jdk === undefined || isLocalKeyword(jdk) ? 'local' : 'jdk';
  }
  if (step.id === 'ha') {
    if (read('alluxio.zookeeper.enabled')?.toLowerCase() === 'true') return 'zookeeper';
    if (read('alluxio.master.journal.type')?.toUpperCase() === 'EMBEDDED') return 'embedded';
    return undefined;
  }
  if (step.id === 'customPorts') {
    const custom = PORT_STEPS.some((id) => {
      const portStep = STEPS.find((s) => s.id === id);
      if (portStep === undefined) return false;
      const key = propertyKeyOf(portStep, spelling);
      if (key === undefined || doc === undefined) return false;
      const value = setProperty(doc, key)?.value;
      return value !== undefined && value !== catalogDefault(key);
    });
    return custom ? 'yes' : 'no';
  }
  return undefined;
}

export interface AppliedAnswers {
  doc: PropertiesDocument;
  settings: CliSettings;
}

/** Writes the answers into a copy of `base` and the settings; the caller decides what to save. */
export function applyAnswers(
  base: PropertiesDocument,
  settingsBefore: CliSettings,
  answers: Answers,
  spelling: PortSpelling,
  applicable: (step: Step) => boolean,
): AppliedAnswers {
  const doc = base.clone();
  const settings: CliSettings = { ...settingsBefore };
  for (const step of STEPS) {
    if (!applicable(step)) continue;
    const answer = answers[step.id];
    if (answer === undefined) continue;
    const value = answer.trim();
    if (step.target.kind === 'setting') {
      const key = step.target.key;
      if (value === '') {
        delete settings[key];
      } else if (key === 'maxWorkers') {
        settings.maxWorkers = Number(value);
      } else {
        settings[key] = value;
      }
      continue;
    }
    if (step.target.kind === 'property') {
      const key = propertyKeyOf(step, spelling) ?? '';
      if (value === '') deleteEverySpelling(doc, key);
      else writeSiteProperty(doc, key, value, { spelling });
    }
  }
  if (answers.distribution === 'local') doc.set('alluxio.integration.mesos.alluxio.jar.url', 'LOCAL');
  if (answers.java === 'local') doc.set('alluxio.integration.mesos.jdk.url', 'LOCAL');
  // The chosen kind of leader election, and none of the other's keys (they would contradict it).
  if (answers.ha === 'zookeeper') {
    doc.set('alluxio.zookeeper.enabled', 'true');
    if (setProperty(doc, 'alluxio.master.journal.type')?.value.toUpperCase() === 'EMBEDDED') doc.delete('alluxio.master.journal.type');
    doc.delete('alluxio.master.embedded.journal.addresses');
  } else if (answers.ha === 'embedded') {
    doc.set('alluxio.master.journal.type', 'EMBEDDED');
    doc.delete('alluxio.zookeeper.enabled');
  }
  if (answers.customPorts === 'no') {
    for (const id of PORT_STEPS) {
      const step = STEPS.find((s) => s.id === id);
      const key = step === undefined ? undefined : propertyKeyOf(step, spelling);
      if (key !== undefined) deleteEverySpelling(doc, key);
    }
  }
  return { doc, settings };
}

function deleteEverySpelling(doc: PropertiesDocument, key: string): void {
  for (const name of spellingsOf(key)) doc.delete(name);
}
