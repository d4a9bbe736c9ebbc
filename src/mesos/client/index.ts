/**
 * The Mesos client layer: addresses, leader detection, transport, versions, normalised records.
 * `./zookeeper.js` (detectLeader, watchLeader) is not re-exported so that importing this barrel
 * does not load the ZooKeeper client; import it directly where a leader watch is needed.
 */
export * from './address.js';
export * from './agents.js';
export * from './connect.js';
export * from './credentials.js';
export * from './detect.js';
export * from './frameworks.js';
export * from './http.js';
export * from './master-client.js';
export * from './master-info.js';
export * from './resources.js';
export * from './responses.js';
export * from './retry.js';
export * from './tasks.js';
export * from './version.js';
