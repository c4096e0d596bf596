import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const children = new Set<ChildProcess>();

/** Runs a long-lived child with its output prefixed, in its own process group (for a clean stop). */
export function startChild(name: string, command: string, args: string[], options: SpawnOptions = {}) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const prefix = (chunk: Buffer) =>
    chunk
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((line) => `[${name}] ${line}\n`)
      .join('');
  child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
  child.on('exit', () => children.delete(child));
  return child;
}

/** Runs a command to completion, inheriting the terminal; rejects naming the command on failure. */
export function run(command: string, args: string[], options: SpawnOptions = {}) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))
    );
  });
}

/** Stops every child started here (SIGTERM to each process group, SIGKILL after `graceMs`). */
export async function stopChildren(graceMs = 5000) {
  const alive = [...children];
  for (const child of alive) killGroup(child, 'SIGTERM');
  await Promise.race([
    Promise.all(alive.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r))))),
    new Promise((r) => setTimeout(r, graceMs)),
  ]);
  for (const child of alive) if (child.exitCode === null) killGroup(child, 'SIGKILL');
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `url` until it answers below 500, or fails after `timeoutMs` naming the URL. */
export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`The process serving ${url} exited before it answered.`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
}
