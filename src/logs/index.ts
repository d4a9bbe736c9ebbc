/** The engine behind `alluxio-mesos logs`; see engine.ts for the order the command calls it in. */
export * from './bundle.js';
export * from './choose-task.js';
export * from './engine.js';
export * from './fast-download.js';
export * from './file-selection.js';
export * from './files-client.js';
export * from './follow.js';
export * from './render.js';
export * from './sandbox.js';
export * from './tail.js';
export * from './task-match.js';
export * from './utf8-lines.js';
export * from './whole-file.js';
