/** One entry point for `init --write-service`: the service file of a kind, as text. */
import type { ServiceInputs, ServiceKind } from './inputs.js';
import { renderMarathonApp } from './marathon.js';
import { renderSystemdUnit } from './systemd.js';

export function renderServiceFile(kind: ServiceKind, inputs: ServiceInputs): string {
  return kind === 'systemd' ? renderSystemdUnit(inputs) : renderMarathonApp(inputs);
}

/** What to do with the file once written, one line each. */
export function serviceNextSteps(kind: ServiceKind, file: string): string[] {
  if (kind === 'systemd') {
    return [
      `sudo cp ${file} /etc/systemd/system/ && sudo systemctl daemon-reload`,
      'sudo systemctl enable --now alluxio-mesos-scheduler',
      'on a second host, the same file (and the CLI and configuration) makes a hot standby',
    ];
  }
  return [`curl -X POST -H 'Content-Type: application/json' http://marathon.example.com:8080/v2/apps -d @${file}`];
}
