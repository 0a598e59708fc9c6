#!/usr/bin/env bash
# Installs and starts the container runtimes tvm-compat's docker:/podman: environments use:
# Debian's docker.io (20.10) with its daemon, podman with runc, and debootstrap for base images.
# Idempotent: installs only what is missing and starts dockerd only when no daemon answers.
# Prints one line per action. Needs root (apt-get, dockerd); CI and these machines run as root.
set -euo pipefail

log() { echo "container-runtime: $*"; }

# /usr/local/bin/docker may be a newer CLI with no engine behind it; the daemon we start is
# Debian's, so its own CLI (/usr/bin/docker) is the one to talk to it.
DOCKER=/usr/bin/docker
DOCKERD=/usr/sbin/dockerd
SOCK=/var/run/docker.sock
LOG=${TVM_COMPAT_DOCKERD_LOG:-/var/log/tvm-compat-dockerd.log}

missing=()
[ -x "$DOCKERD" ] && [ -x "$DOCKER" ] || missing+=(docker.io)
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "docker.io, podman, runc and debootstrap already installed"
fi

answers() { "$DOCKER" -H "unix://$SOCK" version >/dev/null 2>&1; }

# overlay2 first: with vfs every container start copies the whole image (a 1.2 GB TVM image
# took 70 s per probe here); vfs is the fallback for filesystems overlay2 cannot use.
start_dockerd() {
  local driver=$1
  log "starting dockerd with storage driver $driver (log: $LOG)"
  # No iptables and no bridge: probes run with --network none and builds with --network host.
  nohup "$DOCKERD" --iptables=false --ip6tables=false --bridge=none --storage-driver="$driver" >>"$LOG" 2>&1 </dev/null &
  local pid=$!
  for _ in $(seq 1 60); do
    if answers; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 1
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

if answers; then
  log "dockerd already running ($("$DOCKER" -H "unix://$SOCK" info --format '{{.ServerVersion}}, storage {{.Driver}}'))"
else
  drivers=${TVM_COMPAT_DOCKER_STORAGE_DRIVER:-overlay2 vfs}
  started=
  for driver in $drivers; do
    if start_dockerd "$driver"; then started=$driver; break; fi
    log "dockerd did not start with $driver; last line of $LOG: $(tail -n 1 "$LOG" 2>/dev/null)"
  done
  if [ -z "$started" ]; then
    log "dockerd did not start with any of: $drivers"
    exit 1
  fi
  log "dockerd running ($("$DOCKER" -H "unix://$SOCK" info --format '{{.ServerVersion}}, storage {{.Driver}}'))"
fi

if podman --runtime runc info --format '{{.Host.OCIRuntime.Name}}' >/dev/null 2>&1; then
  log "podman ready ($(podman --version))"
else
  log "podman does not answer: $(podman --runtime runc info 2>&1 | tail -n 1)"
  exit 1
fi
