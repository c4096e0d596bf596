import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { groupCpuSeconds, largestProcessesLine, processMemory, watchProcessPeaks } from './process-memory';

/** A grandchild (node under a shell) that holds `mb` MB resident, then prints its pid and waits. */
function holder(mb: number) {
  const script = `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); console.log('held', process.pid, b.length); setInterval(() => {}, 1000);`;
  const child = spawn('sh', ['-c', `"${process.execPath}" -e "${script}"`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const m = /held (\d+)/.exec(chunk.toString());
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}) before holding its memory`)));
  });
  return { child, pid };
}

describe('the benches’ process memory', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('keeps the peak of every process below this one, grandchildren included, after they exit', async () => {
    const watch = watchProcessPeaks(process.pid, 50);
    const { child, pid } = holder(160);
    children.push(child);
    const grandchild = await pid;
    expect(grandchild).not.toBe(child.pid);
    expect(processMemory(grandchild)?.peakMb).toBeGreaterThan(150);
    await expect.poll(() => watch.peaks().find((p) => p.pid === grandchild)?.peakMb ?? 0).toBeGreaterThan(150);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    process.kill(grandchild, 'SIGKILL');
    await exited;
    expect(processMemory(grandchild)).toBeNull();
    // Gone, and its peak stays in the report, with what it was.
    const peaks = watch.stop();
    const node = peaks.find((p) => p.pid === grandchild);
    expect(node?.peakMb).toBeGreaterThan(150);
    expect(node?.command).toMatch(/^\S*node -e …/);
    expect(peaks.find((p) => p.pid === process.pid)).toBeDefined();
    expect(peaks.map((p) => p.peakMb)).toEqual([...peaks.map((p) => p.peakMb)].sort((a, b) => b - a));
  });

  it('counts the CPU of a detached command’s whole group, the processes it started included, and no other', async () => {
    // Shells leading groups of their own, whose node child spins until it has used `ms` of CPU (not
    // of time: a busy machine gives it less), then says so and waits.
    const group = async (ms: number) => {
      const spin = `const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; while (used() < ${ms}); console.log('spun'); setInterval(() => {}, 1000);`;
      const child = spawn('sh', ['-c', `"${process.execPath}" -e "${spin}"`], {
        detached: true,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      await new Promise<void>((resolve) => child.stdout!.on('data', (c: Buffer) => c.includes('spun') && resolve()));
      return child.pid!;
    };
    const [busy, idle] = [await group(800), await group(0)];
    try {
      expect(groupCpuSeconds(busy)).toBeGreaterThanOrEqual(0.7);
      // Node's start-up and no more: the busy group's CPU is not counted in it.
      expect(groupCpuSeconds(idle)).toBeLessThan(0.6);
    } finally {
      for (const pid of [busy, idle]) process.kill(-pid, 'SIGKILL');
    }
  });

  it('a process that has exited has no memory to read', () => {
    expect(processMemory(2 ** 22 + 1)).toBeNull();
    expect(processMemory(process.pid)).toMatchObject({ pid: process.pid, ppid: process.ppid });
  });

  it('reports the target missed when any process went above 2 GB, and the four largest', () => {
    const peak = (pid: number, peakMb: number) => ({ pid, peakMb, command: `p${pid}` });
    const under = [peak(1, 2048), peak(2, 900), peak(3, 300), peak(4, 200), peak(5, 100)];
    expect(largestProcessesLine(under, 500)).toBe(
      'Largest processes of the run (peak resident memory, 5 processes sampled every 0.5 s): 2048 MB (p1), 900 MB (p2), 300 MB (p3), 200 MB (p4) (target: none above 2 GB: met)'
    );
    expect(largestProcessesLine([peak(1, 2049), ...under.slice(1)], 500)).toMatch(
      /2049 MB \(p1\).*: \*\*missed\*\*\)$/
    );
  });
});
