#!/usr/bin/env node
/**
 * A small custom executor on the v1 executor HTTP API (JSON), for the status-update bench and the
 * custom-executor integration test. Plain Node, no build step, nothing of this project imported.
 *
 * It SUBSCRIBEs to its agent (MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID) and, for
 * each LAUNCH, sends TASK_RUNNING and, once the agent ACKNOWLEDGED that, TASK_FINISHED. A task whose
 * `data` is base64 of "wait" stays RUNNING until KILL, answered with TASK_KILLED; "pipeline" sends
 * TASK_FINISHED right after TASK_RUNNING (Mesos allows it: the agent queues it behind the first). SHUTDOWN: every
 * task not finished is reported TASK_KILLED, then the executor exits. It writes one line per event
 * type to stdout the first time it sees it, and every ACKNOWLEDGED count at exit, for the tests.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { PipelinedConnection } from './pipelined-http.mjs';

const agent = process.env.MESOS_AGENT_ENDPOINT;
const frameworkId = { value: process.env.MESOS_FRAMEWORK_ID };
const executorId = { value: process.env.MESOS_EXECUTOR_ID };
if (agent === undefined || frameworkId.value === undefined || executorId.value === undefined) {
  console.error('bench-executor: start me as a Mesos executor (MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID)');
  process.exit(2);
}
// The UPDATE calls of one turn (one per task LAUNCHed or ACKNOWLEDGED in it) leave in one write.
const calls = new PipelinedConnection(agent);
/** task id -> 'running' | 'finishing' | 'done' */
const tasks = new Map();
/** uuid -> what to do once the agent acknowledged it */
const afterAck = new Map();
const seen = new Set();
let acknowledged = 0;
let updatesSent = 0;

function payload(body) {
  return Buffer.from(JSON.stringify({ framework_id: frameworkId, executor_id: executorId, ...body }));
}

function update(taskId, state, then) {
  // A version 4 UUID's 16 bytes, as Mesos' own executors send (the master refuses other versions).
  const uuid = Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64');
  if (then !== undefined) afterAck.set(uuid, then);
  updatesSent++;
  const body = payload({
    type: 'UPDATE',
    update: { status: { task_id: { value: taskId }, state, source: 'SOURCE_EXECUTOR', uuid, timestamp: Date.now() / 1000 } },
  });
  calls.request('POST', '/api/v1/executor', { 'Content-Type': 'application/json' }, body).then(
    (answer) => {
      if (answer.status !== 202) console.error(`bench-executor: UPDATE ${state} of ${taskId} answered ${answer.status}`);
    },
    (error) => console.error(`bench-executor: UPDATE ${state} of ${taskId} failed: ${error.message}`),
  );
}

function finish(taskId, state) {
  if (tasks.get(taskId) === 'done') return;
  tasks.set(taskId, 'done');
  update(taskId, state);
}

function onEvent(event) {
  if (!seen.has(event.type)) {
    seen.add(event.type);
    console.log(`bench-executor: received ${event.type}`);
  }
  switch (event.type) {
    case 'LAUNCH': {
      const task = event.launch.task;
      const taskId = task.task_id.value;
      const data = task.data === undefined ? '' : Buffer.from(task.data, 'base64').toString();
      tasks.set(taskId, 'running');
      if (data === 'pipeline') {
        update(taskId, 'TASK_RUNNING');
        finish(taskId, 'TASK_FINISHED');
      } else {
        update(taskId, 'TASK_RUNNING', data === 'wait' ? undefined : () => finish(taskId, 'TASK_FINISHED'));
      }
      break;
    }
    case 'ACKNOWLEDGED': {
      acknowledged++;
      const then = afterAck.get(event.acknowledged.uuid);
      afterAck.delete(event.acknowledged.uuid);
      then?.();
      break;
    }
    case 'KILL':
      finish(event.kill.task_id.value, 'TASK_KILLED');
      break;
    case 'SHUTDOWN':
      for (const [taskId, phase] of tasks) if (phase !== 'done') finish(taskId, 'TASK_KILLED');
      // Give the last updates a moment to leave, then go, as the agent's grace period expects.
      setTimeout(() => process.exit(0), 200);
      break;
    case 'ERROR':
      console.error(`bench-executor: ERROR ${event.error.message}`);
      break;
    default:
      break;
  }
}

process.on('exit', () => console.log(`bench-executor: ${updatesSent} updates sent, ${acknowledged} acknowledged`));

const subscription = payload({ type: 'SUBSCRIBE', subscribe: {} });
const subscribe = http.request(`http://${agent}/api/v1/executor`, {
  method: 'POST',
  agent: false,
  headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': subscription.length },
});
subscribe.end(subscription);
subscribe.on('response', (res) => {
  if (res.statusCode !== 200) {
    console.error(`bench-executor: SUBSCRIBE answered ${res.statusCode}`);
    process.exit(1);
  }
  // RecordIO: "<length>\n<record>" repeated.
  let buffered = Buffer.alloc(0);
  res.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const newline = buffered.indexOf(10);
      if (newline < 0) break;
      const length = Number(buffered.subarray(0, newline).toString());
      if (buffered.length < newline + 1 + length) break;
      onEvent(JSON.parse(buffered.subarray(newline + 1, newline + 1 + length).toString()));
      buffered = buffered.subarray(newline + 1 + length);
    }
  });
  // The agent ended the subscription: nothing more will come.
  res.on('end', () => process.exit(0));
});
subscribe.on('error', (error) => {
  console.error(`bench-executor: SUBSCRIBE failed: ${error.message}`);
  process.exit(1);
});
