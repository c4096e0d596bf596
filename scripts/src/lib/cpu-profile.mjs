// Loaded with NODE_OPTIONS=--import (Node refuses --cpu-prof there): profiles this process from
// start to exit into CPU_PROFILE_DIR/<pid>.cpuprofile. Used by `bench:publish --profile`. A build
// that renders job after job (site/render-jobs.mjs) is stopped, not left to exit: its profile is
// written each time it says a job is rendered, as <pid>-<n>.cpuprofile (the n-th job, and for the
// first the compile before it).
import { Session } from 'node:inspector';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // An in-process session answers synchronously: the profile is written before the call returns.
  const write = (name) =>
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
    });
  process.on('exit', () => write(String(process.pid)));
  const send = process.send?.bind(process);
  if (send) {
    let rendered = 0;
    process.send = (message, ...rest) => {
      if (message?.type === 'rendered') {
        write(`${process.pid}-${++rendered}`);
        session.post('Profiler.start');
      }
      return send(message, ...rest);
    };
  }
}
