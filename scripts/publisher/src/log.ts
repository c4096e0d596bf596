/** Structured logs: one JSON line per event, with the build id when there is one. */
export type LogFields = Record<string, unknown>;
export type Logger = (msg: string, fields?: LogFields) => void;

export const jsonLogger =
  (write: (line: string) => void = (line) => process.stdout.write(line)): Logger =>
  (msg, fields = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), msg, ...fields })}\n`);
