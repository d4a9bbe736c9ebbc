import { describe, expect, it } from 'vitest';
import { commandExecutorName, describeExit, gatedCommand } from '../../../../src/emulator/agent/command-executor.js';
import { FetchError, archiveKind, classifyUri, destinationName } from '../../../../src/emulator/agent/fetcher.js';
import { epochSeconds, glogLine } from '../../../../src/emulator/agent/glog.js';
import { JsonBytes, double, formatDouble, jsonStringFromBytes, toMesosJson } from '../../../../src/emulator/mesos-json.js';
import { validatePathId, virtualLatestPath } from '../../../../src/emulator/agent/sandbox.js';
import type { TaskInfo } from '../../../../src/mesos/protocol/types.js';

const task = (value: string, shell = true, args?: string[]): TaskInfo => ({
  name: 't',
  task_id: { value: 'probe-task-1' },
  agent_id: { value: 'S0' },
  resources: [],
  command: { shell, value, ...(args ? { arguments: args } : {}) },
});

describe('Mesos JSON', () => {
  it('prints doubles with a decimal point and integers without', () => {
    expect(formatDouble(2)).toBe('2.0');
    expect(formatDouble(0.2)).toBe('0.2');
    expect(formatDouble(1795548218.198497)).toBe('1795548218.198497');
    expect(toMesosJson({ a: double(60), b: 60, c: [double(0)], d: true, e: null }).toString()).toBe(
      '{"a":60.0,"b":60,"c":[0.0],"d":true,"e":null}',
    );
  });

  it('skips undefined fields and escapes like Mesos', () => {
    expect(toMesosJson({ a: undefined, b: 'x"\\\n\u0001\u007f/' }).toString()).toBe('{"b":"x\\"\\\\\\n\\u0001\\u007f/"}');
  });

  it('copies raw bytes, escaping only what JSON requires', () => {
    const bytes = Buffer.from([0x68, 0x0a, 0x22, 0xc3, 0x01, 0xff]);
    expect(jsonStringFromBytes(bytes)).toEqual(
      Buffer.concat([Buffer.from('"h\\n\\"'), Buffer.from([0xc3]), Buffer.from('\\u0001'), Buffer.from([0xff, 0x22])]),
    );
    expect(toMesosJson({ data: new JsonBytes(Buffer.from('hello\n')), offset: 0 }).toString()).toBe('{"data":"hello\\n","offset":0}');
  });
});

describe('command executor pieces', () => {
  it('names the executor like Mesos, shortening long shell commands', () => {
    expect(commandExecutorName(task('echo hello; echo err 1>&2; sleep 30'))).toBe(
      "Command Executor (Task: probe-task-1) (Command: sh -c 'echo hello; ...')",
    );
    expect(commandExecutorName(task('sleep 1000'))).toBe("Command Executor (Task: probe-task-1) (Command: sh -c 'sleep 1000')");
    expect(commandExecutorName(task('/bin/java', false, ['java', '-version']))).toBe(
      'Command Executor (Task: probe-task-1) (Command: [/bin/java, -version])',
    );
  });

  it('describes exits with strsignal texts', () => {
    expect(describeExit(0, undefined)).toBe('exited with status 0');
    expect(describeExit(undefined, 'SIGTERM')).toBe('terminated with signal Terminated');
    expect(describeExit(undefined, 'SIGKILL')).toBe('terminated with signal Killed');
    expect(describeExit(undefined, 'SIGWINCH')).toBe('terminated with signal SIGWINCH');
  });

  it('gates the command behind one line of stdin and execs it in place', () => {
    expect(gatedCommand({ shell: true, value: 'echo $HOME' })).toEqual([
      '-c',
      'read -r _ || :; exec /bin/sh -c "$1" </dev/null',
      'sh',
      'echo $HOME',
    ]);
    expect(gatedCommand({ shell: false, value: '/bin/echo', arguments: ['echo', 'a b', 'c'] })).toEqual([
      '-c',
      'read -r _ || :; exec "$@" </dev/null',
      'sh',
      '/bin/echo',
      'a b',
      'c',
    ]);
  });

  it('formats glog lines', () => {
    const at = new Date(2026, 10, 24, 19, 23, 38, 156).getTime() + 0.534;
    expect(glogLine('I', 'exec.cpp:164', 'Version: 1.12.0', at, 21561)).toBe('I1124 19:23:38.156534 21561 exec.cpp:164] Version: 1.12.0\n');
    expect(epochSeconds({ now: () => 1795548218198.4971 })).toBe(1795548218.198497);
  });

  it('refuses ids that could leave the sandbox tree', () => {
    expect(validatePathId('Task ID', 'probe-task-1')).toBeUndefined();
    expect(validatePathId('Task ID', '..')).toMatch(/not allowed/);
    expect(validatePathId('Task ID', 'a/b')).toMatch(/contains/);
    expect(validatePathId('Task ID', '')).toMatch(/empty/);
    expect(virtualLatestPath('f', 'e')).toBe('/frameworks/f/executors/e/runs/latest');
  });
});

describe('fetcher URI rules', () => {
  it('allows files and loopback HTTP only', () => {
    expect(classifyUri('/opt/alluxio.tar.gz')).toEqual({ kind: 'file', path: '/opt/alluxio.tar.gz' });
    expect(classifyUri('file:///opt/a%20b.tgz')).toEqual({ kind: 'file', path: '/opt/a b.tgz' });
    expect(classifyUri('http://127.0.0.9:8080/x.tgz')).toMatchObject({ kind: 'http' });
    expect(classifyUri('https://localhost/x.tgz')).toMatchObject({ kind: 'http' });
    for (const uri of [
      'http://10.0.0.1/x',
      'https://example.com/x',
      'http://127.0.0.1.evil.com/x',
      'hdfs://nn/x',
      's3://b/x',
      'relative/x',
      'file://host/x',
    ]) {
      expect(() => classifyUri(uri), uri).toThrow(FetchError);
    }
  });

  it('names the fetched file after output_file or the last path segment', () => {
    expect(destinationName({ value: 'http://127.0.0.1/d/alluxio-2.9.tar.gz' }, classifyUri('http://127.0.0.1/d/alluxio-2.9.tar.gz'))).toBe(
      'alluxio-2.9.tar.gz',
    );
    expect(destinationName({ value: '/a/b', output_file: 'conf/x' }, classifyUri('/a/b'))).toBe('conf/x');
    expect(() => destinationName({ value: 'http://127.0.0.1/' }, classifyUri('http://127.0.0.1/'))).toThrow(/output_file/);
  });

  it('knows which archives it can extract', () => {
    expect(archiveKind('a.tar.gz')).toBe('extract');
    expect(archiveKind('a.TGZ')).toBe('extract');
    expect(archiveKind('a.tar')).toBe('extract');
    expect(archiveKind('a.zip')).toBe('unsupported');
    expect(archiveKind('a.tar.xz')).toBe('unsupported');
    expect(archiveKind('run.sh')).toBe('none');
  });
});
