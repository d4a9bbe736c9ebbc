/**
 * The checks Mesos runs on an ACCEPT before anything is launched, with its error texts (they reach
 * the scheduler inside TASK_LOST / TASK_ERROR updates): first the offers
 * (`validation::offer::validate`), then each task against what is left of them
 * (`validation::task::validate`).
 */
import { isDeepStrictEqual } from 'node:util';
import type { ExecutorInfo, OfferID, Resource, TaskInfo } from '../../mesos/protocol/types.js';
import { isValidRange, resourceRole, stringifyRanges } from '../../mesos/resources/ranges.js';
import { describeResource, Resources } from '../../mesos/resources/resource-set.js';
import type { FrameworkRecord, OfferRecord } from './model.js';

export function validateOffers(
  offerIds: readonly OfferID[],
  offers: ReadonlyMap<string, OfferRecord>,
  frameworkId: string,
): string | undefined {
  if (offerIds.length === 0) return 'No offers specified';
  const seen = new Set<string>();
  for (const id of offerIds) {
    if (seen.has(id.value)) return `Duplicate offer ${id.value} in offer list`;
    seen.add(id.value);
  }
  for (const id of offerIds) {
    if (!offers.has(id.value)) return `Offer ${id.value} is no longer valid`;
  }
  for (const id of offerIds) {
    const offer = offers.get(id.value) as OfferRecord;
    if (offer.frameworkId !== frameworkId) {
      return `Offer ${id.value} has invalid framework ${offer.frameworkId} while framework ${frameworkId} is expected`;
    }
  }
  let role: string | undefined;
  for (const id of offerIds) {
    const offer = offers.get(id.value) as OfferRecord;
    if (role === undefined) role = offer.role;
    else if (offer.role !== role) {
      // Mesos' own text, unbalanced quotes included.
      return (
        'Aggregated offers must be allocated to the same role. ' +
        `Offer ${id.value} uses role '${offer.role} but another is using role '${role}`
      );
    }
  }
  let agentId: string | undefined;
  for (const id of offerIds) {
    const offer = offers.get(id.value) as OfferRecord;
    if (agentId === undefined) agentId = offer.agentId;
    else if (offer.agentId !== agentId) {
      return `Aggregated offers must belong to one single agent. Offer ${id.value} uses agent ${offer.agentId} and agent ${agentId}`;
    }
  }
  return undefined;
}

/**
 * Returns the error message for an invalid task, undefined if it may be launched. `existingExecutor`
 * is the ExecutorInfo of the live executor with the task's executor id on that agent, if any: a new
 * executor's resources count against the offer too.
 */
export function validateTask(
  task: TaskInfo,
  framework: FrameworkRecord,
  agentId: string,
  available: Resources,
  allocationRole: string,
  existingExecutor?: ExecutorInfo,
): string | undefined {
  const taskId = task.task_id?.value ?? '';
  const idError = validateId(taskId);
  if (idError !== undefined) return `Task has an invalid TaskID: ${idError}`;
  if (framework.tasks.has(taskId)) return `Task has duplicate ID: ${taskId}`;
  if (framework.unreachableTasks.has(taskId)) return `Task reuses the ID of an unreachable task: ${taskId}`;
  if (task.agent_id?.value !== agentId) {
    return `Task uses invalid agent ${task.agent_id?.value ?? ''} while agent ${agentId} is expected`;
  }
  const gracePeriod = task.kill_policy?.grace_period?.nanoseconds;
  if (gracePeriod !== undefined && gracePeriod < 0) return "Task's 'kill_policy.grace_period' must be non-negative";
  const invalid = invalidRanges(task.resources, allocationRole);
  if (invalid !== undefined) return `Task uses invalid resources: Invalid resources: ${invalid}`;
  if ((task.executor === undefined) === (task.command === undefined)) {
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  }
  const executorError = task.executor === undefined ? undefined : validateExecutor(task.executor, framework.id, existingExecutor);
  if (executorError !== undefined) return executorError;
  let resources = Resources.fromProto(task.resources);
  if (resources.isEmpty()) return 'Task uses no resources';
  if (task.executor !== undefined && existingExecutor === undefined)
    resources = resources.plus(Resources.fromProto(task.executor.resources ?? []));
  if (!available.contains(resources)) {
    return (
      `Total resources ${resources.describe(allocationRole)} required by task and its executor ` +
      `is more than available ${available.describe(allocationRole)}`
    );
  }
  return undefined;
}

/** Mesos' `executor::internal::validate` and the task-level executor checks, with their texts. */
function validateExecutor(executor: ExecutorInfo, frameworkId: string, existing: ExecutorInfo | undefined): string | undefined {
  const idError = validateId(executor.executor_id?.value ?? '');
  if (idError !== undefined) return `Executor has an invalid ExecutorID: ${idError}`;
  if (executor.framework_id === undefined) return "'ExecutorInfo.framework_id' must be set";
  if (executor.framework_id.value !== frameworkId) {
    return `ExecutorInfo has an invalid FrameworkID (Actual: ${executor.framework_id.value} vs Expected: ${frameworkId})`;
  }
  if (existing !== undefined && !isDeepStrictEqual(existing, executor)) {
    const rule = '------------------------------------------------------------\n';
    return (
      'ExecutorInfo is not compatible with existing ExecutorInfo with same ExecutorID.\n' +
      `${rule}Existing ExecutorInfo:\n${JSON.stringify(existing)}\n${rule}ExecutorInfo:\n${JSON.stringify(executor)}\n${rule}`
    );
  }
  if (executor.type !== undefined && executor.type !== 'CUSTOM') return "'ExecutorInfo.type' must be 'CUSTOM'";
  if (executor.command === undefined) return "'ExecutorInfo.command' must be set";
  return undefined;
}

/**
 * The ranges part of Mesos' `Resources::validate`, which runs before any arithmetic (the shared
 * range arithmetic refuses such ranges too, rather than guessing what they mean).
 */
function invalidRanges(resources: readonly Resource[] | undefined, allocationRole: string): string | undefined {
  for (const resource of resources ?? []) {
    if (resource.type !== 'RANGES') continue;
    const ranges = resource.ranges?.range ?? [];
    const bad = ranges.find((range) => !isValidRange(range));
    if (bad === undefined) continue;
    const text = describeResource(resource.name, resourceRole(resource), stringifyRanges(ranges), allocationRole);
    const reason = bad.begin > bad.end ? 'Invalid ranges resource: begin > end' : 'Invalid ranges resource';
    return `Resource '${text}' is invalid: ${reason}`;
  }
  return undefined;
}

/** Mesos' `common::validation::validateID` (NAME_MAX 255, no control characters or slashes). */
export function validateId(id: string): string | undefined {
  if (id === '') return 'ID must not be empty';
  if (id.length > 255) return 'ID must not be greater than 255 characters';
  if (id === '.' || id === '..') return `'${id}' is disallowed`;

  if (/[\x00-\x1f\x7f/\\]/.test(id)) return `'${id}' contains invalid characters`;
  return undefined;
}
