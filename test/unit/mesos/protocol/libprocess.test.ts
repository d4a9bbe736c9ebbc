/**
 * The legacy scheduler protocol against the exchange recorded from a real Mesos 1.12 master
 * (test/fixtures/mesos-1.12/legacy-libprocess/): our registration bytes equal the driver's, the
 * master's messages decode to what protoc printed and re-encode to the same bytes, and the mapping
 * to and from the v1 events and calls follows the driver's rules.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { mesosSchema } from '../../../../src/mesos/protocol/descriptors.js';
import * as calls from '../../../../src/mesos/protocol/calls.js';
import {
  LegacyMessage,
  callOfMessage,
  decodeLegacyMessage,
  encodeLegacyMessage,
  eventOf,
  formatProcessId,
  isLegacyMessageName,
  legacyCapabilities,
  messageOfCall,
  messageOfEvent,
  messagePath,
  parseMessagePath,
  parseProcessId,
  senderOf,
  type LegacyEnvelope,
} from '../../../../src/mesos/protocol/libprocess.js';
import { splitLibprocessRequests } from '../../../helpers/libprocess-raw.js';
import { toTextProto } from './textproto.js';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/mesos-1.12/legacy-libprocess');
const fixture = (name: string): Buffer => readFileSync(path.join(DIR, name));

/** The protoc decodings in 02_master_to_scheduler.decoded.txt, one per inbound message. */
function recordedDecodings(): string[] {
  const text = fixture('02_master_to_scheduler.decoded.txt').toString('utf8');
  return [...text.matchAll(/\(body \d+ bytes, decoded as [\w.]+\)\n([\s\S]*?)\n(?=\n+### |\n*$)/g)].map((match) => `${match[1] ?? ''}\n`);
}

function inbound(): Array<{ name: string; body: Buffer; headers: ReadonlyArray<readonly [string, string]> }> {
  return splitLibprocessRequests(fixture('02_master_to_scheduler.inbound.raw')).map((request) => {
    const target = request.requestLine.split(' ')[1] ?? '';
    return { name: parseMessagePath(target)?.name ?? '', body: request.body, headers: request.headers };
  });
}

describe('RegisterFrameworkMessage, as the driver sent it to Mesos 1.12', () => {
  it('our bytes for the same FrameworkInfo equal the recorded body', () => {
    const info = { user: 'root', name: 'legacy-probe', checkpoint: true, failover_timeout: 60 };
    const envelope = messageOfCall(calls.subscribe(info), legacyCapabilities(true));
    expect(envelope?.name).toBe(LegacyMessage.register);
    expect(encodeLegacyMessage(envelope as LegacyEnvelope)).toEqual(fixture('01_RegisterFrameworkMessage.request.body.bin'));
  });

  it('goes to the path and with the sender the recording shows', () => {
    const head = fixture('01_RegisterFrameworkMessage.request.head').toString('latin1');
    const [requestLine, ...lines] = head.split('\r\n');
    expect(requestLine).toBe(`POST ${messagePath('master', LegacyMessage.register)} HTTP/1.1`);
    const from = lines.find((line) => line.startsWith('Libprocess-From: '))?.slice('Libprocess-From: '.length) ?? '';
    const pid = parseProcessId(from);
    expect(pid?.id).toBe('scheduler(1)');
    expect(formatProcessId(pid ?? { id: '', host: '', port: 0 })).toBe(from);
  });
});

describe("the master's messages to the scheduler, recorded from Mesos 1.12", () => {
  it('arrive as kept-alive chunked POSTs to /scheduler(1)/<name> from the master pid', () => {
    const messages = inbound();
    expect(messages.map((message) => message.name)).toEqual([LegacyMessage.registered, LegacyMessage.offers]);
    for (const message of messages) {
      const headers = Object.fromEntries(message.headers.map(([key, value]) => [key.toLowerCase(), value]));
      expect(senderOf(headers)).toEqual({ id: 'master', host: '127.0.0.1', port: 5050 });
    }
  });

  it('decode to what protoc printed, and encode back to the same bytes', () => {
    const decodings = recordedDecodings();
    const messages = inbound();
    expect(decodings).toHaveLength(messages.length);
    messages.forEach((message, index) => {
      if (!isLegacyMessageName(message.name)) throw new Error(`unknown message ${message.name}`);
      const envelope = decodeLegacyMessage(message.name, message.body);
      // The v1 twins this schema decodes them with renamed slave to agent; the numbers are the same
      // (the bytes round-trip below).
      const printed = decodings[index]?.replaceAll(/\bslave_id\b/g, 'agent_id');
      expect(toTextProto(mesosSchema().message(message.name), envelope.message)).toBe(printed);
      expect(encodeLegacyMessage(envelope)).toEqual(message.body);
    });
  });

  it('become the SUBSCRIBED and OFFERS events the scheduler reducer consumes', () => {
    const events = inbound().map((message) => eventOf(decodeLegacyMessage(message.name as typeof LegacyMessage.offers, message.body), 15));
    expect(events[0]).toMatchObject({
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: '381af910-0983-4e86-adf6-b5e3e9701370-0001' },
        heartbeat_interval_seconds: 15,
        master_info: { version: '1.12.0', port: 5050 },
      },
    });
    expect(events[1]?.type).toBe('OFFERS');
    expect(events[1]?.offers?.offers.map((offer) => [offer.hostname, offer.agent_id.value])).toEqual([
      ['127.0.0.1', 'b8564f73-9862-4214-8536-043f0ff29368-S0'],
      ['127.0.0.3', '381af910-0983-4e86-adf6-b5e3e9701370-S0'],
      ['127.0.0.2', '381af910-0983-4e86-adf6-b5e3e9701370-S1'],
    ]);
  });
});

describe('status updates', () => {
  const update = (pid: string | undefined): LegacyEnvelope => ({
    name: LegacyMessage.statusUpdate,
    message: {
      update: {
        framework_id: { value: 'F' },
        slave_id: { value: 'S1' },
        status: { task_id: { value: 't' }, state: 'TASK_RUNNING', uuid: 'c3RhdHVz' },
        timestamp: 1,
        uuid: 'dXBkYXRl',
      },
      ...(pid === undefined ? {} : { pid }),
    },
  });

  it("from an agent carry the update's uuid (to acknowledge) and the agent id", () => {
    const event = eventOf(update('slave(1)@10.0.0.1:5051'), 15);
    expect(event?.update?.status).toMatchObject({ uuid: 'dXBkYXRl', agent_id: { value: 'S1' }, state: 'TASK_RUNNING' });
  });

  it('from the master (no pid, or an empty one) carry no uuid: nothing to acknowledge', () => {
    expect(eventOf(update(undefined), 15)?.update?.status.uuid).toBeUndefined();
    expect(eventOf(update(''), 15)?.update?.status.uuid).toBeUndefined();
  });

  it('survive the wire and the round trip through the emulator side', () => {
    const event = eventOf(update('slave(1)@10.0.0.1:5051'), 15);
    if (event === undefined) throw new Error('no event');
    const back = messageOfEvent(event, 'F', () => 'slave(1)@10.0.0.1:5051');
    if (back === undefined) throw new Error('no message');
    const decoded = decodeLegacyMessage(back.name, encodeLegacyMessage(back));
    expect(eventOf(decoded, 15)).toEqual(event);
  });
});

describe('calls', () => {
  const info = { user: 'u', name: 'alluxio' };

  it('SUBSCRIBE with a framework id re-registers as a failover', () => {
    const envelope = messageOfCall(calls.subscribe(info, { value: 'F1' }), legacyCapabilities(true));
    expect(envelope).toEqual({ name: LegacyMessage.reregister, message: { framework: { ...info, id: { value: 'F1' } }, failover: true } });
    expect(callOfMessage(decodeLegacyMessage(LegacyMessage.reregister, encodeLegacyMessage(envelope as LegacyEnvelope)))).toEqual(
      calls.subscribe(info, { value: 'F1' }),
    );
  });

  it('other calls travel as the v0 scheduler Call, with the v1 numbers', () => {
    const call = calls.withFrameworkId(calls.decline([{ value: 'O1' }], 30), { value: 'F1' });
    const envelope = messageOfCall(call, legacyCapabilities(true));
    expect(envelope?.name).toBe('mesos.scheduler.Call');
    // framework_id = 1, type = 2 (DECLINE = 4), decline = 5.
    const bytes = encodeLegacyMessage(envelope as LegacyEnvelope);
    expect([...bytes.subarray(0, 2)]).toEqual([0x0a, 4]);
    expect(bytes.includes(Buffer.from([0x10, 4, 0x2a]))).toBe(true);
    expect(callOfMessage(decodeLegacyMessage(LegacyMessage.call, bytes))).toEqual(call);
  });

  it('SUPPRESS is dropped where the master does not have it (before 0.25), sent where it does', () => {
    expect(messageOfCall(calls.suppress(), legacyCapabilities(false))).toBeUndefined();
    expect(messageOfCall(calls.suppress(), legacyCapabilities(true))?.name).toBe(LegacyMessage.call);
    expect(messageOfCall(calls.revive(), legacyCapabilities(false))?.name).toBe(LegacyMessage.call);
  });
});

describe('process ids and message paths from untrusted peers', () => {
  it.each(['master@127.0.0.1:5050', 'scheduler(1)@10.1.2.3:1', 'slave(1)@host-a.example.com:65535'])('%s round-trips', (text) => {
    expect(formatProcessId(parseProcessId(text) ?? { id: '', host: '', port: 0 })).toBe(text);
  });

  it.each(['', '@h:1', 'm@:1', 'm@h', 'm@h:0', 'm@h:65536', 'm@h:1x', 'm/x@h:1', 'm@h h:1', `${'a'.repeat(200)}@h:1`])(
    '%j is not a pid',
    (text) => {
      expect(parseProcessId(text)).toBeUndefined();
    },
  );

  it('the sender comes from Libprocess-From, or from an old libprocess User-Agent', () => {
    expect(senderOf({ 'libprocess-from': 'master@1.2.3.4:5050' })?.host).toBe('1.2.3.4');
    expect(senderOf({ 'user-agent': 'libprocess/master@1.2.3.4:5050' })?.port).toBe(5050);
    expect(senderOf({ 'user-agent': 'curl/8' })).toBeUndefined();
    expect(senderOf({ 'libprocess-from': 'nonsense' })).toBeUndefined();
  });

  it('message paths name a process and a message', () => {
    expect(parseMessagePath('/scheduler(1)/mesos.internal.ResourceOffersMessage')).toEqual({
      receiver: 'scheduler(1)',
      name: LegacyMessage.offers,
    });
    expect(parseMessagePath('/scheduler%281%29/mesos.internal.X')?.receiver).toBe('scheduler(1)');
    for (const bad of ['/', '/scheduler(1)', '/a/b/c', '/scheduler(1)/x y', '/%ZZ/x']) expect(parseMessagePath(bad)).toBeUndefined();
  });
});
