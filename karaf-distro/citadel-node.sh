#!/usr/bin/env bash
#
# Builds and runs a single-node Citadel with everything embedded (ZooKeeper included),
# on loopback.
#
#   karaf-distro/citadel-node.sh start [--no-build]   build, install, start, wait until ready
#   karaf-distro/citadel-node.sh stop                 stop it (by PID, bounded)
#   karaf-distro/citadel-node.sh status               is it running, and its ZooKeeper session
#   karaf-distro/citadel-node.sh client [COMMAND...]  run a console command (or open the console)
#
# The node lives in $CITADEL_HOME (default: karaf-distro/node/citadel). Starting a new build
# over an existing node keeps its ZooKeeper data, its database, its container catalog, its central
# configuration store and its console user; its previous etc/ is kept beside it as etc.previous.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
home=${CITADEL_HOME:-$here/node/citadel}
start_timeout=${CITADEL_START_TIMEOUT:-180}
stop_timeout=${CITADEL_STOP_TIMEOUT:-60}

log() { printf '[citadel] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

java_ok() {
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [ -n "$v" ] || die "no java on PATH: install a JDK 17"
  case "$v" in
    1[1-9]|2[0-3]) ;;
    *) die "Java $v found; Karaf 4.4 runs on Java 11 to 23 (Citadel is built for 17). Set JAVA_HOME." ;;
  esac
}

pid_of_node() {
  local pid
  [ -f "$home/karaf.pid" ] || return 1
  pid=$(cat "$home/karaf.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s' "$pid"
}

# Runs one console command through bin/client, which logs in as the node's own user.
console() {
  # With stdin from /dev/null bin/client prints only "Closed": give it an empty line.
  echo "" | "$home/bin/client" -r 3 -d 1 "$*" 2>/dev/null | grep -v -E 'JAVA_HOME not set|unverified|^Closed$' || true
}

build() {
  command -v mvn >/dev/null || die "Maven is not on PATH"
  log "building (mvn install, tests skipped; run the test command from the README for those)"
  (cd "$root" && mvn -B -q -ntp install -DskipTests) || die "the build failed"
}

install_node() {
  local archive version previous
  archive=$(ls "$here"/target/citadel-*.tar.gz 2>/dev/null | head -n 1)
  [ -n "$archive" ] || die "no distribution in $here/target: build first (drop --no-build)"
  version=$(sha256sum "$archive" | cut -c1-16)
  if [ -f "$home/.citadel-build" ] && [ "$(cat "$home/.citadel-build")" = "$version" ]; then
    return
  fi
  mkdir -p "$(dirname "$home")"
  local staging
  staging=$(mktemp -d "$(dirname "$home")/.install.XXXXXX")
  tar -xzf "$archive" -C "$staging"
  local unpacked
  unpacked=$(find "$staging" -mindepth 1 -maxdepth 1 -type d | head -n 1)
  if [ -d "$home" ]; then
    pid_of_node >/dev/null && die "the node at $home is running: stop it before installing a new build"
    previous="$home.previous"
    rm -rf "$previous"
    mv "$home" "$previous"
    log "upgrading $home (previous install kept at $previous)"
    # What the node stores survives the upgrade: ZooKeeper's data, the engine's database, the
    # fileserver's container catalog and what the configuration puller installed.
    for kept in zookeeper engine fileserver centralconfig; do
      if [ -d "$previous/data/$kept" ]; then
        mkdir -p "$unpacked/data"
        cp -a "$previous/data/$kept" "$unpacked/data/"
      fi
    done
    if grep -q '^karaf[[:space:]]*=' "$previous/etc/users.properties" 2>/dev/null; then
      cp -p "$previous/etc/users.properties" "$unpacked/etc/users.properties"
    fi
    cp -a "$previous/etc" "$unpacked/etc.previous"
    # the single node's own central configuration store (the default store folder)
    if [ -d "$previous/configuration" ]; then
      cp -a "$previous/configuration" "$unpacked/"
    fi
  else
    log "installing into $home"
  fi
  mv "$unpacked" "$home"
  rmdir "$staging"
  printf '%s\n' "$version" > "$home/.citadel-build"
}

wait_ready() {
  local begin=$SECONDS out
  while [ $((SECONDS - begin)) -lt "$start_timeout" ]; do
    # bin/start returns at once; the JVM writes its pid file within a few seconds.
    if ! pid_of_node >/dev/null && [ $((SECONDS - begin)) -gt 20 ]; then
      die "Karaf exited while starting: see $home/data/log/karaf.log"
    fi
    out=$(console "zk:stat")
    if printf '%s' "$out" | grep -q -E 'State +\| (CONNECTED|RECONNECTED)'; then
      return 0
    fi
    sleep 1
  done
  die "not ready within ${start_timeout}s: see $home/data/log/karaf.log"
}

start() {
  local no_build=false
  [ "${1:-}" = "--no-build" ] && no_build=true
  java_ok
  if pid_of_node >/dev/null; then
    log "already running (pid $(pid_of_node)) at $home"
    return 0
  fi
  $no_build || build
  install_node
  log "starting $home"
  setsid "$home/bin/start" < /dev/null > /dev/null 2>&1
  wait_ready
  log "running (pid $(pid_of_node)); every endpoint listens on 127.0.0.1"
  console "bundle:list" | grep -E '^ID|Citadel|^---' >&2 || true
  cat >&2 <<MSG
[citadel] console:  $home/bin/client            (logs in as the node's own user)
[citadel] ssh:      ssh -p 8101 karaf@127.0.0.1  (password: the karaf line of $home/etc/users.properties)
[citadel] try:      $0 client zk:stat
[citadel] stop:     $0 stop
MSG
}

stop() {
  local pid deadline
  if ! pid=$(pid_of_node); then
    log "not running"
    return 0
  fi
  log "stopping pid $pid"
  "$home/bin/stop" < /dev/null > /dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      log "still running after ${stop_timeout}s: killing pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 1
  done
  log "stopped"
}

status() {
  local pid
  if pid=$(pid_of_node); then
    log "running (pid $pid) at $home"
    console "zk:stat"
  else
    log "not running ($home)"
    return 3
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  client) shift; pid_of_node >/dev/null || die "not running"; if [ $# -gt 0 ]; then console "$*"; else exec "$home/bin/client"; fi ;;
  *) sed -n '3,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
