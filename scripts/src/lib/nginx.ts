import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The production web server's site configuration, as deployed. */
export const NGINX_CONF = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));

/**
 * Runs Debian's nginx with scripts/deploy/nginx.conf, as production does, with only what differs
 * on a test machine swapped in: the port, the site's directory and the CMS processes it passes the
 * poll routes and uploads to (`cms`: their URLs). The surrounding main configuration is nginx's
 * minimum (pid, logs and temp files in a temp dir).
 */
export async function startNginx(options: { root: string; port: number; cms: string[]; workers?: number }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-nginx-'));
  const upstreams = options.cms.map((url) => `server ${new URL(url).host} max_fails=1 fail_timeout=10s;`);
  const site = fs
    .readFileSync(NGINX_CONF, 'utf8')
    .replace(/listen 80;/, `listen 127.0.0.1:${options.port};`)
    .replace(/root \/srv\/site\/current;/, `root ${options.root};`)
    .replace(/include \/srv\/site\/current\/_redirects\/\*\.map;/, `include ${options.root}/_redirects/*.map;`)
    .replace(/server cms:1337 max_fails=1 fail_timeout=10s;/, upstreams.join('\n    '));
  for (const swapped of [options.root, `${options.root}/_redirects/`, String(options.port), ...upstreams])
    if (!site.includes(swapped)) throw new Error(`${NGINX_CONF} no longer has the line the tests swap for ${swapped}`);
  fs.writeFileSync(path.join(dir, 'site.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `  ${name}_temp_path ${path.join(dir, name)};`)
    .join('\n');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
worker_processes ${options.workers ?? 1};
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
${temp}
  include ${path.join(dir, 'site.conf')};
}
`
  );
  const args = ['-p', dir, '-c', path.join(dir, 'nginx.conf')];
  const check = spawnSync('nginx', [...args, '-t'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the configuration:\n${check.stderr}`);
  const nginx = spawn('nginx', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  nginx.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited (${nginx.exitCode}): ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`nginx did not answer on ${url}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    /** Reads the configuration again, the generated redirects' map included (as a deployment does after a release switch). */
    reload() {
      const result = spawnSync('nginx', [...args, '-s', 'reload'], { encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`nginx -s reload failed: ${result.stderr}`);
    },
    async close() {
      if (nginx.exitCode === null) {
        const exited = new Promise((r) => nginx.once('exit', r));
        nginx.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
