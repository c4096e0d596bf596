import fs from 'node:fs';

/** What the benches read of a process in /proc/<pid>/status (Linux). Memory in MB. */
export interface ProcessMemory {
  pid: number;
  /** The executable's name, as the kernel keeps it (`node`, `pagefind_extended`, …). */
  name: string;
  ppid: number;
  /** Resident memory now. */
  rssMb: number;
  /** The most resident memory the process has had (VmHWM): its peak so far, not only at the sample. */
  peakMb: number;
}

const field = (status: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);

/** Process `pid`'s memory, or null when it has exited (or never started). */
export function processMemory(pid: number | string): ProcessMemory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      pid: Number(pid),
      name: /^Name:\s+(.*)$/m.exec(status)?.[1] ?? '?',
      ppid: field(status, 'PPid'),
      rssMb: field(status, 'VmRSS') / 1024,
      peakMb: field(status, 'VmHWM') / 1024,
    };
  } catch {
    return null;
  }
}

/** Every running process, from /proc. */
export function allProcesses(): ProcessMemory[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(processMemory)
    .filter((p): p is ProcessMemory => p !== null);
}

/** Clock ticks per second in /proc/<pid>/stat's times (USER_HZ: 100 on Linux, whatever the kernel's HZ). */
const USER_HZ = 100;

/** Process `pid`'s group and CPU ticks (user and system, with the children it waited for); null once it has exited. */
function cpuTicks(pid: number | string): { pgrp: number; ticks: number } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // After the command's name (in parentheses, which it may itself contain): state, ppid, pgrp, …;
  // utime, stime, cutime, cstime are fields 14-17 of proc_pid_stat(5), 12-15 here.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgrp: Number(fields[2]), ticks: fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) };
}

/**
 * The CPU (s) the processes of group `pgid` have used, each with the children it waited for: a
 * detached command's, with everything it started and still runs (a build with its esbuild service).
 * The work done, which a machine's other load changes much less than the time taken.
 */
export function groupCpuSeconds(pgid: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    const times = /^\d+$/.test(entry) ? cpuTicks(entry) : null;
    if (times?.pgrp === pgid) ticks += times.ticks;
  }
  return ticks / USER_HZ;
}

/** A process's command line, shortened for a report (`node …/strapi start`). */
function commandOf(pid: number) {
  try {
    const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const short = args.map((arg) => (arg.length > 40 ? `…${arg.slice(-40)}` : arg)).join(' ');
    return short.length > 120 ? `${short.slice(0, 119)}…` : short;
  } catch {
    return '?';
  }
}

export interface ProcessPeak {
  pid: number;
  peakMb: number;
  /** Its command line, shortened (`node …/strapi start`). */
  command: string;
}

/**
 * Watches `root` and every process below it (its children, theirs, …) every `everyMs`, keeping
 * each one's peak resident memory (VmHWM: a peak between two samples counts too, as long as the
 * process is seen once). `peaks()` gives them so far, the largest first; `stop()` ends the watch
 * with a last sample and gives them.
 */
export function watchProcessPeaks(root = process.pid, everyMs = 250) {
  const seen = new Map<number, ProcessPeak>();
  const sample = () => {
    const all = allProcesses();
    const below = new Set([root]);
    // Parents come before their children in /proc only by chance: walk until nothing is added.
    for (let added = true; added;) {
      added = false;
      for (const p of all)
        if (!below.has(p.pid) && below.has(p.ppid)) {
          below.add(p.pid);
          added = true;
        }
    }
    for (const p of all) {
      if (!below.has(p.pid)) continue;
      const known = seen.get(p.pid);
      if (!known) seen.set(p.pid, { pid: p.pid, peakMb: p.peakMb, command: commandOf(p.pid) });
      else known.peakMb = Math.max(known.peakMb, p.peakMb);
    }
  };
  const peaks = () => [...seen.values()].map((p) => ({ ...p })).sort((a, b) => b.peakMb - a.peakMb);
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peaks,
    stop() {
      clearInterval(timer);
      sample();
      return peaks();
    },
  };
}

/**
 * Samples the processes `pids` (by the name the report gives each) every `everyMs` by the phases
 * of a run the caller names (`phase(name)` starts one): the most resident memory each held in
 * each phase, and the phase in which its peak (VmHWM) last rose. Says which part of a run a
 * process's peak came from. For this process, also the most its JavaScript heap held (live and
 * not yet collected) and its memory outside the heap (Buffers).
 */
export function watchPhases(pids: Record<string, number>, everyMs = 250) {
  const watched = Object.entries(pids).map(([label, pid]) => ({
    label,
    pid,
    most: new Map<string, number>(),
    heap: new Map<string, { heapMb: number; externalMb: number }>(),
    peak: { mb: 0, phase: 'start' },
  }));
  let current = 'start';
  const sample = () => {
    for (const w of watched) {
      const p = processMemory(w.pid);
      if (!p) continue;
      w.most.set(current, Math.max(w.most.get(current) ?? 0, p.rssMb));
      if (w.pid === process.pid) {
        const { heapUsed, external } = process.memoryUsage();
        const was = w.heap.get(current) ?? { heapMb: 0, externalMb: 0 };
        w.heap.set(current, {
          heapMb: Math.max(was.heapMb, heapUsed / 1024 / 1024),
          externalMb: Math.max(was.externalMb, external / 1024 / 1024),
        });
      }
      if (p.peakMb > w.peak.mb) w.peak = { mb: p.peakMb, phase: current };
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  const line = ({ label, most, heap, peak }: (typeof watched)[number]) => {
    const inHeap = (phase: string) => {
      const h = heap.get(phase);
      return h ? ` (heap ${Math.round(h.heapMb)}, outside it ${Math.round(h.externalMb)})` : '';
    };
    return `${label}, resident memory by phase (the most sampled every ${everyMs / 1000} s): ${[...most]
      .map(([phase, mb]) => `${phase} ${Math.round(mb)} MB${inHeap(phase)}`)
      .join(', ')}; its peak ${Math.round(peak.mb)} MB, reached during: ${peak.phase}`;
  };
  return {
    phase(name: string) {
      sample();
      current = name;
    },
    /** Ends the watch: a line for each process. */
    stop() {
      clearInterval(timer);
      sample();
      return watched.map(line).join('\n');
    },
  };
}

/** The issue's memory target: no process above 2 GB at any moment. */
export const PROCESS_LIMIT_MB = 2048;

/** The benches' report of a watch's peaks: the four largest, and the target met or missed. */
export function largestProcessesLine(peaks: ProcessPeak[], everyMs: number) {
  const largest = peaks
    .slice(0, 4)
    .map((p) => `${Math.round(p.peakMb)} MB (${p.command})`)
    .join(', ');
  const met = peaks.every((p) => p.peakMb <= PROCESS_LIMIT_MB);
  return `Largest processes of the run (peak resident memory, ${peaks.length} processes sampled every ${everyMs / 1000} s): ${largest} (target: none above 2 GB: ${met ? 'met' : '**missed**'})`;
}
