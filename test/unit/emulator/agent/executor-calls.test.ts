import { describe, expect, it } from 'vitest';
import { ExecutorCallError, parseExecutorCall } from '../../../../src/emulator/agent/executor-calls.js';

const UUID = Buffer.from('9f1c6e0a2b3d4e5f8a7b6c5d4e3f2a1b', 'hex').toString('base64'); // version 4
const ids = { framework_id: { value: 'fw-1' }, executor_id: { value: 'e1' } };
const update = (status: Record<string, unknown>) =>
  JSON.stringify({
    ...ids,
    type: 'UPDATE',
    update: { status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', uuid: UUID, ...status } },
  });

function refusal(body: string): { status: number; message: string } {
  try {
    parseExecutorCall(body);
  } catch (error) {
    if (error instanceof ExecutorCallError) return { status: error.status, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('the executor call codec', () => {
  it('reads SUBSCRIBE, UPDATE, MESSAGE and HEARTBEAT', () => {
    expect(parseExecutorCall(JSON.stringify({ ...ids, type: 'SUBSCRIBE', subscribe: {} }))).toEqual({
      type: 'SUBSCRIBE',
      frameworkId: 'fw-1',
      executorId: 'e1',
    });
    expect(parseExecutorCall(update({}))).toMatchObject({
      type: 'UPDATE',
      status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid: UUID },
    });
    expect(parseExecutorCall(JSON.stringify({ ...ids, type: 'MESSAGE', message: { data: 'aGk=' } }))).toMatchObject({ data: 'aGk=' });
    expect(parseExecutorCall(JSON.stringify({ ...ids, type: 'HEARTBEAT' }))).toMatchObject({ type: 'HEARTBEAT' });
    expect(parseExecutorCall(JSON.stringify({ ...ids, type: 'UNKNOWN' }))).toBe('UNKNOWN');
  });

  it("refuses bad calls with a Mesos 1.12 agent's status and words", () => {
    expect(refusal('{')).toMatchObject({ status: 400, message: expect.stringMatching(/^Failed to parse body into JSON: /) });
    expect(refusal(JSON.stringify({ type: 'SUBSCRIBE', subscribe: {} }))).toEqual({
      status: 400,
      message: 'Failed to convert JSON into Call protobuf: Missing required fields: executor_id, framework_id',
    });
    expect(refusal(JSON.stringify({ ...ids, type: 'LAUNCH' }))).toMatchObject({
      message: expect.stringContaining("Failed to find enum for 'LAUNCH'"),
    });
    expect(refusal(JSON.stringify({ ...ids }))).toEqual({
      status: 400,
      message: "Failed to validate Executor::Call: Expecting 'type' to be present",
    });
    expect(refusal(JSON.stringify({ ...ids, type: 'SUBSCRIBE' }))).toMatchObject({
      message: "Failed to validate Executor::Call: Expecting 'subscribe' to be present",
    });
    expect(refusal(JSON.stringify({ ...ids, type: 'UPDATE' }))).toMatchObject({
      message: "Failed to validate Executor::Call: Expecting 'update' to be present",
    });
    expect(refusal(update({ uuid: undefined }))).toMatchObject({
      message: "Failed to validate Executor::Call: Expecting 'uuid' to be present",
    });
    // 16 bytes, but no UUID version: Mesos' UUID::fromBytes refuses it.
    expect(refusal(update({ uuid: Buffer.alloc(16).toString('base64') }))).toMatchObject({
      message: expect.stringMatching(/Not a valid UUID$/),
    });
    expect(refusal(update({ executor_id: { value: 'e2' } }))).toMatchObject({
      message: 'Failed to validate Executor::Call: ExecutorID in Call: e1 does not match ExecutorID in TaskStatus: e2',
    });
    expect(refusal(update({ source: 'SOURCE_AGENT' }))).toMatchObject({
      message:
        "Failed to validate Executor::Call: Received Call from executor e1 of framework fw-1 with invalid source, expecting 'SOURCE_EXECUTOR'",
    });
    expect(refusal(update({ state: 'TASK_STAGING' }))).toMatchObject({
      message: 'Failed to validate Executor::Call: Received TASK_STAGING from executor e1 of framework fw-1 which is not allowed',
    });
    expect(refusal(update({ state: 'TASK_SLEEPING' }))).toMatchObject({
      message: expect.stringContaining("Failed to find enum for 'TASK_SLEEPING'"),
    });
  });
});
