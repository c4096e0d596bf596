/** Debian's nginx with scripts/deploy/nginx.conf, as the benchmarks run it too. */
export { NGINX_CONF, startNginx } from '@newsroom/scripts/nginx';
