/**
 * Debian's Chromium, for browser tests and benchmarks (never a browser a tool downloads itself).
 * Root in CI needs --no-sandbox; the rest keeps Chromium off this machine's closed network.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
