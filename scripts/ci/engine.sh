#!/usr/bin/env bash
# A private Docker engine for CI and the docker test tiers (recipe: ../shared/notes/docker-engine.md).
#
#   scripts/ci/engine.sh start DIR   starts dockerd with its data, socket and pid file under DIR, waits until it
#                                    answers, and prints the DOCKER_HOST to use (unix://DIR/docker.sock)
#   scripts/ci/engine.sh stop DIR    removes the containers it runs, then stops that dockerd by its pid
#
# AUTOALEX_ENGINE_ROOT, when set, is the engine's data folder instead of DIR/root: images and the build cache
# survive between runs (.ci/run keeps it under /var/cache/autoalex-ci). One engine at a time may use it.
#
# overlay2, no iptables and no bridge: containers use --network host (and reach fakes on 127.0.0.1) or
# --network none. Needs root and Debian's docker.io (`apt-get install -y docker.io`).
set -euo pipefail

command=${1:?usage: engine.sh start|stop DIR}
dir=${2:?usage: engine.sh start|stop DIR}
socket="$dir/docker.sock"
pidfile="$dir/docker.pid"
# Debian's CLI: the engine is 20.10, and another CLI on PATH may lack what this script relies on.
docker_cli() { DOCKER_HOST="unix://$socket" /usr/bin/docker "$@"; }

case "$command" in
  start)
    mkdir -p "$dir"
    if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "unix://$socket"
      exit 0
    fi
    setsid /usr/sbin/dockerd --data-root "${AUTOALEX_ENGINE_ROOT:-$dir/root}" --exec-root "$dir/exec" -H "unix://$socket" \
      --pidfile "$pidfile" --iptables=false --ip6tables=false --bridge=none --storage-driver=overlay2 \
      >"$dir/dockerd.log" 2>&1 </dev/null &
    for _ in $(seq 1 120); do
      if docker_cli version >/dev/null 2>&1; then
        echo "unix://$socket"
        exit 0
      fi
      sleep 0.5
    done
    echo "dockerd did not answer within 60 s; its log:" >&2
    tail -n 30 "$dir/dockerd.log" >&2
    exit 1
    ;;
  stop)
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      ids=$(docker_cli ps -aq 2>/dev/null || true)
      [[ -z "$ids" ]] || docker_cli rm -f $ids >/dev/null 2>&1 || true
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
    fi
    # dockerd leaves its network namespace mounted under its exec root: unmount what is ours, deepest first.
    awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do umount "$m" || true; done
    ;;
  *)
    echo "usage: engine.sh start|stop DIR" >&2
    exit 2
    ;;
esac
