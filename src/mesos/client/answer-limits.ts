/**
 * The most the CLI reads of each kind of answer before it gives up with an error naming the
 * endpoint and the limit: a broken or hostile peer streaming an endless body must not fill the
 * memory (an endless `/version` once grew the client to 4 GB). Each limit is far above what a real
 * cluster sends for that endpoint. Sandbox downloads are streamed and have none.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/** `/version` and GET_VERSION: a few hundred bytes in practice. */
export const VERSION_ANSWER_BYTES = 1 * MiB;

/**
 * State documents: `/master/state`, `/master/slaves`, `/master/frameworks`, `/master/tasks`, the
 * operator API's GET_* calls and an agent's `/state`. GET_AGENTS for 10,000 agents is about 14 MB.
 */
export const STATE_ANSWER_BYTES = 64 * MiB;

/**
 * The body of an answer that is an error (any status but 2xx) or carries nothing we use (a
 * scheduler call's 202): only its first line ends up in a message, so the rest is not read.
 */
export const ERROR_ANSWER_BYTES = 64 * KiB;

/** A `/files/browse` listing: one JSON record of about 150 bytes per entry of a sandbox directory. */
export const BROWSE_ANSWER_BYTES = 32 * MiB;

/**
 * A `/files/read` answer for `length` bytes: the agent writes each byte into a JSON string, where
 * a control byte takes up to six (`\u0001`), plus the object around it.
 */
export function filesReadAnswerBytes(length: number): number {
  return 6 * length + 4 * KiB;
}
