/**
 * Conformance with the traffic recorded from a real Mesos 1.12 master
 * (`test/fixtures/mesos-1.12/`): the recorded requests are replayed, in the recorded order, against
 * the local master (with a fake agent), and each answer is compared with the recorded one: status,
 * the headers that matter, exact error texts, RecordIO framing (one record per chunk, the final
 * chunk after TEARDOWN, connection left open) and the field names and types of every JSON body and
 * event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTranscript, splitRecordIO } from '../../../helpers/transcripts.js';
import { startTestCluster, type TestCluster } from './helpers/cluster.js';
import {
  expectEventShapes,
  expectLikeRecording,
  isUuid,
  liveEvents,
  recordedEvents,
  RECORDED_MASTER_ID,
  Replayer,
} from './helpers/replay.js';
import { getJson, waitUntil, type RawStream } from './helpers/scheduler-client.js';

type Ev = Record<string, any>;
const STATE_SHAPE = { looseKeys: ['$.flags'] };
const updateKey = (e: Ev): string =>
  e.type === 'UPDATE' ? `UPDATE/${e.update.status.source}/${e.update.status.state}/${e.update.status.reason ?? ''}` : String(e.type);

function json(stream: RawStream): Ev[] {
  return stream.json<Ev>();
}

async function nextOffer(stream: RawStream, seen: Set<string>): Promise<Ev> {
  let found: Ev | undefined;
  await stream.waitFor(
    () => {
      found = json(stream)
        .flatMap((e) => (e.type === 'OFFERS' ? (e.offers.offers as Ev[]) : []))
        .find((o) => !seen.has(o.id.value));
      return found !== undefined;
    },
    10_000,
    'a new offer',
  );
  seen.add((found as Ev).id.value);
  return found as Ev;
}

async function update(stream: RawStream, predicate: (s: Ev) => boolean, what: string): Promise<Ev> {
  const e = await stream.waitForEvent<Ev>((ev) => ev.type === 'UPDATE' && predicate(ev.update.status), 10_000, what);
  return e.update.status as Ev;
}

describe('conformance with the recorded Mesos 1.12 traffic', () => {
  // Each scenario gets a fresh master, so that one failing cannot starve the next of offers.
  let cluster: TestCluster;
  let r: Replayer;
  let offersSeen: Set<string>;

  beforeEach(async () => {
    cluster = await startTestCluster({ master: { allocationIntervalMs: 300 } });
    r = new Replayer(cluster.url);
    r.map(RECORDED_MASTER_ID, cluster.master.masterId);
    offersSeen = new Set<string>();
  });
  afterEach(async () => {
    await cluster?.stop();
  });

  it('01: version, health, redirect and the state endpoints before any framework', async () => {
    for (const stem of [
      '01_master_GET_version',
      '01_master_GET_health',
      '01_master_GET_redirect',
      '01_master_GET_master_state_before',
      '01_master_GET_state_before',
      '01_master_GET_master_slaves',
      '01_master_GET_master_frameworks_before',
    ]) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res, STATE_SHAPE);
    }
  });

  it('21: malformed bodies, media types and validation errors, with Mesos texts', async () => {
    for (const stem of [
      '21_error_SUBSCRIBE_accept_text_html',
      '21_error_SUBSCRIBE_missing_user',
      '21_error_empty_body',
      '21_error_json_array_body',
      '21_error_json_wrong_field_type',
      '21_error_protobuf_garbage_body',
    ]) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res);
    }
  });

  it('10-71: the JSON session: SUBSCRIBE stream, errors, launch, acks, decline, reconcile, states, teardown', async () => {
    const { t: t10, stream } = await r.open('10_scheduler_SUBSCRIBE_json_stream');
    const head = stream.head;
    expect(head?.status).toBe(t10.response.status);
    expect(head?.headers['transfer-encoding']).toBe('chunked');
    expect(head?.headers['content-type']).toBe('application/json');
    expect(head?.headers['content-length']).toBeUndefined();
    expect(isUuid(head?.headers['mesos-stream-id'])).toBe(true);
    r.map('fbb43e3a-e65b-4ded-ab5a-842a32088947', head?.headers['mesos-stream-id'] ?? '');

    const o0 = await nextOffer(stream, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-O0`, o0.id.value);
    expect(
      json(stream)
        .slice(0, 3)
        .map((e) => e.type),
    ).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS']);
    // Byte for byte what Mesos sent, but for ids and addresses.
    const port = cluster.master.port;
    const agent = cluster.agents[0];
    const recorded = splitRecordIO(t10.response.body).map((b) => b.toString('utf8'));
    const live = (text: string): string =>
      r
        .substitute(text)
        .replaceAll('master@127.0.0.1:5050', `master@127.0.0.1:${port}`)
        .replaceAll('"port":5050', `"port":${port}`)
        .replaceAll(
          '"hostname":"127.0.0.1","url":{"scheme":"http","address":{"hostname":"127.0.0.1","ip":"127.0.0.1","port":5051}',
          `"hostname":"${agent?.hostname}","url":{"scheme":"http","address":{"hostname":"${agent?.hostname}","ip":"${agent?.hostname}","port":${new URL(agent?.endpoint ?? 'http://x:1').port}}`,
        );
    expect(stream.records[0]?.toString()).toBe(live(recorded[0] ?? ''));
    expect(stream.records[1]?.toString()).toBe(recorded[1]);
    expect(stream.records[2]?.toString()).toBe(live(recorded[2] ?? ''));

    for (const stem of [
      '20_error_ACCEPT_without_Mesos-Stream-Id',
      '20_error_GET_on_scheduler_endpoint',
      '20_error_malformed_json',
      '20_error_missing_framework_id',
      '20_error_unknown_call_type',
      '20_error_unknown_framework_id',
      '20_error_unknown_framework_id_and_stream_id',
      '20_error_wrong_accept_header',
      '20_error_wrong_content_type',
      '20_error_wrong_stream_id',
    ]) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res);
    }

    const accept = await r.send('30_scheduler_ACCEPT_LAUNCH');
    expectLikeRecording(r, accept.t, accept.res);
    const starting = await update(stream, (s) => s.state === 'TASK_STARTING', 'TASK_STARTING');
    r.map('Ya5zOWGpRPm5zjMIvwQgig==', starting.uuid);
    const ack1 = await r.send('31_scheduler_ACKNOWLEDGE_1_TASK_STARTING');
    expectLikeRecording(r, ack1.t, ack1.res);
    const running = await update(stream, (s) => s.state === 'TASK_RUNNING', 'TASK_RUNNING');
    r.map('wxSWCG8ARLWjpVoIcujd6Q==', running.uuid);
    const ack2 = await r.send('31_scheduler_ACKNOWLEDGE_2_TASK_RUNNING');
    expectLikeRecording(r, ack2.t, ack2.res);

    // The rest of O0 is offered again, without the task's cpus 0.1 / mem 32 / port 19998.
    const o1 = await nextOffer(stream, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-O1`, o1.id.value);
    const recordedO1 = recordedEvents(t10).filter((e: Ev) => e.type === 'OFFERS')[1] as Ev;
    expect(o1.resources).toEqual(recordedO1.offers.offers[0].resources);

    cluster.agents[0]?.update(o0.framework_id.value, 'probe-task-1', 'TASK_FINISHED', { message: 'Command exited with status 0' });
    const finished = await update(stream, (s) => s.state === 'TASK_FINISHED' && s.source === 'SOURCE_EXECUTOR', 'TASK_FINISHED');
    r.map('FIYGZ3AtSBKH2//so2Jl5Q==', finished.uuid);
    const o2 = await nextOffer(stream, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-O2`, o2.id.value);
    const recordedO2 = recordedEvents(t10).filter((e: Ev) => e.type === 'OFFERS')[2] as Ev;
    expect(o2.resources).toEqual(recordedO2.offers.offers[0].resources);

    for (const stem of ['52_master_GET_master_state_task_terminal_unacked', '52_master_GET_master_tasks']) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res, STATE_SHAPE);
    }
    for (const stem of [
      '50_scheduler_DECLINE',
      '50_scheduler_DECLINE_unknown_offer',
      '51_scheduler_RECONCILE_explicit',
      '51_scheduler_RECONCILE_implicit',
      '51_scheduler_RECONCILE_unknown_task',
    ]) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res);
    }
    await stream.waitFor(
      () => json(stream).filter((e) => e.update?.status.reason === 'REASON_RECONCILIATION').length === 3,
      10_000,
      'reconciliation',
    );
    const ack3 = await r.send('31_scheduler_ACKNOWLEDGE_3_TASK_FINISHED');
    expectLikeRecording(r, ack3.t, ack3.res);
    await waitUntil(
      async () =>
        (await getJson<Ev>(cluster.url, '/master/tasks')).tasks.length === 1 &&
        (await getJson<Ev>(cluster.url, '/master/state')).frameworks[0].completed_tasks.length === 1,
    );
    for (const stem of [
      '61_master_GET_master_state_after_task',
      '61_master_GET_master_frameworks_after_task',
      '61_master_GET_master_slaves_after_task',
      '61_master_GET_master_tasks_after_task',
    ]) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res, STATE_SHAPE);
    }

    const teardown = await r.send('70_scheduler_TEARDOWN');
    expectLikeRecording(r, teardown.t, teardown.res);
    await stream.waitFor(() => stream.ended, 5_000, 'the final chunk');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.socketClosed).toBe(false);
    expect(stream.framingErrors).toEqual([]);
    expectEventShapes(recordedEvents(t10), liveEvents(stream, 'application/json'), t10.stem, updateKey);
    const { t: t71, res: r71 } = await r.send('71_master_GET_master_frameworks_after_teardown');
    expectLikeRecording(r, t71, r71);
    stream.close();
  });

  it('80/81: a protobuf SUBSCRIBE stream and a protobuf TEARDOWN', async () => {
    const { t, stream } = await r.open('80_scheduler_SUBSCRIBE_protobuf_stream');
    expect(stream.head?.status).toBe(200);
    expect(stream.head?.headers['content-type']).toBe('application/x-protobuf');
    r.map('bd664534-fcf4-43ab-b86c-ab5e5c4a3d29', stream.head?.headers['mesos-stream-id'] ?? '');
    await stream.waitFor(() => stream.records.length >= 3, 10_000, 'protobuf records');
    // The protobuf heartbeat is the two bytes 08 08.
    expect(stream.records[1]?.toString('hex')).toBe('0808');
    const live = liveEvents(stream, 'application/x-protobuf');
    expect(live.slice(0, 3).map((e) => e.type)).toEqual(['SUBSCRIBED', 'HEARTBEAT', 'OFFERS']);
    r.map(`${RECORDED_MASTER_ID}-0001`, (live[0] as Ev).subscribed.framework_id.value);
    expectEventShapes(recordedEvents(t), live, t.stem);
    const teardown = await r.send('81_scheduler_TEARDOWN_protobuf');
    expectLikeRecording(r, teardown.t, teardown.res);
    await stream.waitFor(() => stream.ended, 5_000, 'the final chunk');
    expect(stream.framingErrors).toEqual([]);
    stream.close();
  });

  it('90-94: MULTI_ROLE framework, stale offer, disconnection, failover re-SUBSCRIBE, KILL', async () => {
    const { t: t90, stream } = await r.open('90_scheduler_SUBSCRIBE_json_multirole_stream');
    r.map('ace9e50d-1c75-48e4-bcd7-bb2dfd0e9761', stream.head?.headers['mesos-stream-id'] ?? '');
    const o6 = await nextOffer(stream, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-0003`, o6.framework_id.value);
    r.map(`${RECORDED_MASTER_ID}-O6`, o6.id.value);
    const recordedOffer = recordedEvents(t90).find((e: Ev) => e.type === 'OFFERS') as Ev;
    expect(o6.resources).toEqual(recordedOffer.offers.offers[0].resources);
    expect(o6.allocation_info).toEqual({ role: '*' });

    const launch = await r.send('91_scheduler_ACCEPT_LAUNCH_multirole');
    expectLikeRecording(r, launch.t, launch.res);
    const starting = await update(stream, (s) => s.state === 'TASK_STARTING', 'TASK_STARTING');
    r.map('KsUQBjgRQb+M7lO/yfmc9g==', starting.uuid);
    expectLikeRecording(r, ...(Object.values(await r.send('91_scheduler_ACKNOWLEDGE_TASK_STARTING')) as [any, any]));
    const running = await update(stream, (s) => s.state === 'TASK_RUNNING' && s.source === 'SOURCE_EXECUTOR', 'TASK_RUNNING');
    r.map('+fBu+LDWQtCR/EZmXdXtPQ==', running.uuid);
    for (const stem of [
      '91_scheduler_ACKNOWLEDGE_TASK_RUNNING',
      '91_scheduler_RECONCILE_explicit_running',
      '91_scheduler_RECONCILE_implicit_running',
    ]) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res);
    }
    await stream.waitFor(
      () => json(stream).filter((e) => e.update?.status.reason === 'REASON_RECONCILIATION').length === 2,
      10_000,
      'reconciliation',
    );
    const o7 = await nextOffer(stream, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-O7`, o7.id.value);
    const stale = await r.send('91_scheduler_ACCEPT_stale_offer');
    expectLikeRecording(r, stale.t, stale.res);
    const lost = await update(stream, (s) => s.task_id.value === 'probe-task-stale', 'TASK_LOST for the stale offer');
    const recordedLost = recordedEvents(t90).find((e: Ev) => e.update?.status.task_id.value === 'probe-task-stale') as Ev;
    expect({ ...lost, timestamp: 0 }).toEqual({ ...JSON.parse(r.substitute(JSON.stringify(recordedLost.update.status))), timestamp: 0 });
    for (const stem of ['91_master_GET_master_frameworks_running', '91_master_GET_master_state_multirole_running']) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res, STATE_SHAPE);
    }
    expectEventShapes(recordedEvents(t90), liveEvents(stream, 'application/json'), t90.stem, updateKey);

    // The client drops the stream: inactive, disconnected, offers gone, tasks keep running.
    stream.close();
    await waitUntil(
      async () => (await getJson<Ev>(cluster.url, '/master/frameworks')).frameworks[0]?.connected === false,
      5_000,
      'disconnection',
    );
    const disconnected = await r.send('92_master_GET_master_frameworks_disconnected');
    expectLikeRecording(r, disconnected.t, disconnected.res);
    const noTopLevel = await r.send('92_error_reSUBSCRIBE_without_top_level_framework_id');
    expectLikeRecording(r, noTopLevel.t, noTopLevel.res);

    const { t: t92, stream: again } = await r.open('92_scheduler_reSUBSCRIBE_failover_stream');
    const newStreamId = again.head?.headers['mesos-stream-id'] ?? '';
    expect(isUuid(newStreamId)).toBe(true);
    const o8 = await nextOffer(again, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-O8`, o8.id.value);
    const oldStream = await r.send('92_scheduler_old_stream_id_after_failover');
    expectLikeRecording(r, oldStream.t, oldStream.res);
    r.map('16668506-7fff-4b37-be1d-c11830cd9968', newStreamId);
    const reconcile = await r.send('92_scheduler_RECONCILE_after_failover');
    expectLikeRecording(r, reconcile.t, reconcile.res);
    await update(again, (s) => s.reason === 'REASON_RECONCILIATION', 'reconciliation after failover');
    const kill = await r.send('93_scheduler_KILL');
    expectLikeRecording(r, kill.t, kill.res);
    const killed = await update(again, (s) => s.state === 'TASK_KILLED', 'TASK_KILLED');
    r.map('K+sjeQ1qQkKgWwoVSysNww==', killed.uuid);
    const ackKilled = await r.send('93_scheduler_ACKNOWLEDGE_TASK_KILLED');
    expectLikeRecording(r, ackKilled.t, ackKilled.res);
    const o9 = await nextOffer(again, offersSeen);
    r.map(`${RECORDED_MASTER_ID}-O9`, o9.id.value);
    await waitUntil(async () => (await getJson<Ev>(cluster.url, '/master/state')).frameworks[0]?.completed_tasks.length === 1);
    const afterKill = await r.send('93_master_GET_master_state_after_kill');
    expectLikeRecording(r, afterKill.t, afterKill.res, STATE_SHAPE);
    const teardown = await r.send('94_scheduler_TEARDOWN_multirole');
    expectLikeRecording(r, teardown.t, teardown.res);
    await again.waitFor(() => again.ended, 5_000, 'the final chunk');
    expectEventShapes(recordedEvents(t92), liveEvents(again, 'application/json'), t92.stem, updateKey);
    expect(again.framingErrors).toEqual([]);
    again.close();
  });

  it('95-97: no Accept header means JSON; a JSON body with a protobuf Accept gets protobuf events', async () => {
    const { t: t95, stream: s95 } = await r.open('95_scheduler_SUBSCRIBE_no_accept_header_stream');
    expect(s95.head?.headers['content-type']).toBe('application/json');
    await s95.waitFor(() => s95.records.length >= 3, 10_000, 'events');
    const fw95 = (json(s95)[0] as Ev).subscribed.framework_id.value as string;
    r.map(`${RECORDED_MASTER_ID}-0004`, fw95);
    r.map('1ec24cd9-071b-4eed-9856-7732961565de', s95.head?.headers['mesos-stream-id'] ?? '');
    expectEventShapes(recordedEvents(t95), liveEvents(s95, 'application/json'), t95.stem);
    const teardown = await r.send('95_scheduler_TEARDOWN_noaccept');
    expectLikeRecording(r, teardown.t, teardown.res);
    await s95.waitFor(() => s95.ended, 5_000, 'the final chunk');
    s95.close();

    const { t: t96, stream: s96 } = await r.open('96_scheduler_SUBSCRIBE_json_body_accept_protobuf_stream');
    expect(s96.head?.headers['content-type']).toBe('application/x-protobuf');
    await s96.waitFor(() => s96.records.length >= 3, 10_000, 'events');
    expectEventShapes(recordedEvents(t96), liveEvents(s96, 'application/x-protobuf'), t96.stem);
    for (const stem of ['97_master_GET_master_frameworks_final', '97_master_GET_master_state_final']) {
      const { t, res } = await r.send(stem);
      expectLikeRecording(r, t, res, STATE_SHAPE);
    }
    // failover_timeout 0: the framework is removed as soon as its connection closes.
    s96.close();
    await waitUntil(async () => (await getJson<Ev>(cluster.url, '/master/frameworks')).frameworks.length === 0, 5_000, 'removal');
    expect(loadTranscript('97_master_GET_master_frameworks_final').response.status).toBe(200);
  });
});
