import { describe, expect, it } from 'vitest';
import { answersFromFlags, applyAnswers } from '../../../src/init/answers.js';
import { checkAnswer } from '../../../src/commands/init/run.js';
import { STEPS, type Step, type StepId } from '../../../src/init/steps.js';
import { PropertiesDocument } from '../../../src/config/properties.js';

const step = (id: StepId): Step => {
  const found = STEPS.find((s) => s.id === id);
  if (found === undefined) throw new Error(id);
  return found;
};

describe('answersFromFlags', () => {
  it('turns --jar-url LOCAL (any case) into the installed distribution', () => {
    expect(answersFromFlags({ jarUrl: 'local' }, undefined)).toMatchObject({ distribution: 'local' });
    expect(answersFromFlags({ jarUrl: 'local' }, undefined).jarUrl).toBeUndefined();
  });

  it('turns a tarball URL into the tarball distribution and keeps the URL', () => {
    expect(answersFromFlags({ jarUrl: 'https://x/alluxio.tar.gz' }, 'm:5050')).toMatchObject({
      master: 'm:5050',
      distribution: 'tarball',
      jarUrl: 'https://x/alluxio.tar.gz',
    });
  });

  it('chooses custom ports as soon as one port flag is given', () => {
    expect(answersFromFlags({ workerWebPort: '31500' }, undefined)).toMatchObject({ customPorts: 'yes', workerWebPort: '31500' });
    expect(answersFromFlags({}, undefined).customPorts).toBeUndefined();
  });
});

describe('checkAnswer', () => {
  it.each([
    ['master', 'mesos.example.com:5050', true],
    ['master', 'zk://zk1:2181,zk2:2181/mesos', true],
    ['master', 'zk://zk1:2181', false],
    ['master', 'host:70000', false],
    ['masterPort', '19998', true],
    ['masterPort', '0', false],
    ['masterPort', '70000', false],
    ['masterPort', 'abc', false],
    ['workerMemorySize', '1.5 GB', true],
    ['workerMemorySize', '12XB', false],
    ['masterCpus', '0.5', true],
    ['masterCpus', '-1', false],
    ['role', 'alluxio', true],
    ['role', '..', false],
    ['jarUrl', 'ftp://x/a.tgz', false],
    ['jarUrl', 'hdfs://nn:9000/alluxio.tar.gz', true],
    ['maxWorkers', '3', true],
    ['maxWorkers', '0', false],
    ['principal', '', true],
    ['masterCount', '', false],
  ] as Array<[StepId, string, boolean]>)('%s = %j is %s', (id, value, ok) => {
    const problem = checkAnswer(step(id), value, '1.x');
    if (ok) expect(problem).toBeUndefined();
    else expect(problem).toMatch(/\S/);
  });
});

describe('applyAnswers', () => {
  const all = (): boolean => true;

  it('writes properties in the file spelling and drops the other spelling', () => {
    const base = PropertiesDocument.parse('# mine\nalluxio.master.rpc.port=31398\nunknown.key=kept\n');
    const { doc } = applyAnswers(base, {}, { customPorts: 'yes', masterPort: '31400' }, '1.x', all);
    expect(doc.get('alluxio.master.port')).toBe('31400');
    expect(doc.has('alluxio.master.rpc.port')).toBe(false);
    expect(doc.toString()).toContain('# mine\n');
    expect(doc.get('unknown.key')).toBe('kept');
  });

  it('removes port keys when the defaults are chosen', () => {
    const base = PropertiesDocument.parse('alluxio.master.port=31398\nalluxio.worker.web.port=31500\n');
    const { doc } = applyAnswers(base, {}, { customPorts: 'no' }, '1.x', all);
    expect(doc.keys()).toEqual([]);
  });

  it('keeps CLI-only answers out of the properties', () => {
    const base = PropertiesDocument.parse('');
    const { doc, settings } = applyAnswers(base, { secretFile: '/old' }, { master: 'm:5050', maxWorkers: '4', secretFile: '' }, '1.x', all);
    expect(settings).toEqual({ master: 'm:5050', maxWorkers: 4 });
    expect(doc.keys()).toEqual([]);
  });

  it('sets LOCAL for the installed distribution and the agents’ own Java', () => {
    const { doc } = applyAnswers(PropertiesDocument.parse(''), {}, { distribution: 'local', java: 'local' }, '1.x', all);
    expect(doc.get('alluxio.integration.mesos.alluxio.jar.url')).toBe('LOCAL');
    expect(doc.get('alluxio.integration.mesos.jdk.url')).toBe('LOCAL');
  });
});
