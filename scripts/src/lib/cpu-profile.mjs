// Loaded with NODE_OPTIONS=--import (Node refuses --cpu-prof there): profiles this process from
// start to exit into CPU_PROFILE_DIR/<pid>.cpuprofile. Used by `bench:publish --profile`.
import { Session } from 'node:inspector';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // An in-process session answers synchronously: the profile is written before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
