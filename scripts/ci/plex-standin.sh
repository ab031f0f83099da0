#!/usr/bin/env bash
# Builds local/plex-standin, a stand-in "Plex" container for tests against a real Docker engine: Debian's static
# busybox and one script, loaded into the engine at DOCKER_HOST. Prints the image name.
#
# What it does (environment variables of `docker run`):
#   logs "Plex Media Server is starting" (green, stdout) and "Database is locked" (red, stderr), with ANSI colours,
#   then one "heartbeat N" line a second on stdout;
#   serves GET /identity (Plex's MediaContainer, in the JSON form the monitor asks for) with busybox httpd on PLEX_PORT (default 32400);
#   exits 0 on SIGTERM, or with IGNORE_SIGTERM=1 ignores it, so `docker stop` and `docker restart` wait their
#   timeout and then kill it (exit code 137), like a Plex that hangs while stopping;
#   EXIT_AFTER=N exits with EXIT_CODE (default 1) after N seconds, like a Plex that crashed.
set -euo pipefail

TAG=${PLEX_STANDIN_TAG:-local/plex-standin}
key=$(sha256sum "$0" | cut -c1-16)
if [[ "$(docker image inspect --format '{{index .Config.Labels "autoalex.input"}}' "$TAG" 2>/dev/null)" == "$key" ]]; then
  echo "$TAG"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q busybox-static >/dev/null 2>&1 && dpkg-deb -x busybox-static_*.deb pkg)
R=$work/rootfs
mkdir -p "$R/bin" "$R/www" "$R/tmp"
install -m 0755 "$work/pkg/bin/busybox" "$R/bin/busybox"
for applet in sh httpd sleep cat date; do ln -s busybox "$R/bin/$applet"; done

# Plex answers /identity in JSON when asked for it (Accept: application/json), as the monitor's probe does;
# busybox httpd cannot negotiate, so the stand-in always gives the JSON form.
cat >"$R/www/identity" <<'JSON'
{"MediaContainer":{"size":0,"apiVersion":"1.1.1","claimed":true,"machineIdentifier":"standin0123456789","version":"1.41.3.9314-a0bfb8370"}}
JSON

cat >"$R/bin/plex" <<'SH'
#!/bin/sh
# PID 1 in the container: a shell there has no default action for SIGTERM, so "ignore" is simply no trap.
esc=$(printf '\033')
printf '%s[32m[info]%s[0m Plex Media Server is starting\n' "$esc" "$esc"
printf '%s[1;31mERROR%s[0m - Database is locked\n' "$esc" "$esc" >&2
httpd -f -p "${PLEX_PORT:-32400}" -h /www &
if [ "${IGNORE_SIGTERM:-0}" != 1 ]; then
  trap 'echo "stopping on SIGTERM"; exit 0' TERM
fi
n=0
while :; do
  n=$((n + 1))
  if [ -n "${EXIT_AFTER:-}" ] && [ "$n" -gt "$EXIT_AFTER" ]; then
    echo "fatal: giving up" >&2
    exit "${EXIT_CODE:-1}"
  fi
  echo "heartbeat $n"
  sleep 1 &
  wait $!
done
SH
chmod 0755 "$R/bin/plex"

tar --numeric-owner -C "$R" -c . |
  docker import --change 'CMD ["/bin/plex"]' --change "LABEL autoalex.input=$key" - "$TAG" >/dev/null
echo "$TAG"
