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
#   karaf-distro/citadel-node.sh cluster start N [--no-build] [--netns]
#                                  N nodes (3 or 5) on this machine: a ZooKeeper ensemble and a
#                                  Kafka cluster of N, one HA group "demo", a balancer per node;
#                                  --netns: each node in its own network namespace (root)
#   karaf-distro/citadel-node.sh cluster stop | status
#   karaf-distro/citadel-node.sh cluster client NODE COMMAND...   (NODE: 1..N)
#   karaf-distro/citadel-node.sh cluster kill NODE      kill -9 the node's JVM and its children
#   karaf-distro/citadel-node.sh cluster pause NODE     SIGSTOP them: a hung machine
#   karaf-distro/citadel-node.sh cluster resume NODE    SIGCONT
#   karaf-distro/citadel-node.sh cluster restart NODE
#   karaf-distro/citadel-node.sh cluster grow 5         3 nodes to 5 (ZooKeeper reconfig)
#   karaf-distro/citadel-node.sh cluster isolate NODE   (--netns) cut its link; heal NODE
#
# The node lives in $CITADEL_HOME (default: karaf-distro/node/citadel). Starting a new build
# over an existing node keeps its ZooKeeper data, its database, its container catalog, its central
# configuration store and its console user; its previous etc/ is kept beside it as etc.previous.
# A local cluster lives in $CITADEL_CLUSTER_HOME (default: karaf-distro/cluster), node I's ports
# at $CITADEL_CLUSTER_PORT_BASE (default 17000) + 100*I + an offset (see cluster_port).
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

# ------------------------------------------------------------------------------- local cluster

cluster_home=${CITADEL_CLUSTER_HOME:-$here/cluster}
port_base=${CITADEL_CLUSTER_PORT_BASE:-17000}

# The ports of node I, by name: every port a node opens, each its own.
cluster_port() {
  local i=$1 name=$2 offset
  case "$name" in
    ssh) offset=1 ;; rmi-registry) offset=2 ;; rmi-server) offset=3 ;;
    pg) offset=10 ;; engine-http) offset=11 ;; cldb) offset=20 ;;
    balancer-pg) offset=30 ;; balancer-http) offset=31 ;;
    zk-client) offset=40 ;; zk-quorum) offset=41 ;; zk-election) offset=42 ;;
    kafka) offset=50 ;; kafka-controller) offset=51 ;;
    *) die "no port named $name" ;;
  esac
  echo $((port_base + 100 * i + offset))
}
cluster_port_names="ssh rmi-registry rmi-server pg engine-http cldb balancer-pg balancer-http zk-client zk-quorum zk-election kafka kafka-controller"

# set_cfg FILE KEY VALUE: sets key = value in a .cfg file (replacing the key's line, or adding one).
set_cfg() {
  local file=$1 key=$2 value=$3 tmp
  tmp=$(mktemp "$file.XXXXXX")
  if grep -q -E "^[[:space:]]*$(printf '%s' "$key" | sed 's/[.]/[.]/g')[[:space:]]*[=:]" "$file" 2>/dev/null; then
    awk -v k="$key" -v v="$value" '
      { line = $0; sub(/^[ \t]+/, "", line) }
      index(line, k) == 1 && substr(line, length(k) + 1) ~ /^[ \t]*[=:]/ { print k " = " v; next }
      { print }' "$file" > "$tmp"
  else
    { cat "$file" 2>/dev/null; printf '%s = %s\n' "$key" "$value"; } > "$tmp"
  fi
  mv "$tmp" "$file"
}

# new_cluster_id: the Kafka cluster's id, 16 random bytes in base64url (22 characters, as
# kafka-storage random-uuid prints); like Kafka's own, never one that begins with "-"
new_cluster_id() {
  local id=-
  while [ "${id#-}" != "$id" ]; do id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'); done
  echo "$id"
}
node_home() { printf '%s/node%s/citadel' "$cluster_home" "$1"; }

# Where the nodes listen: all on loopback, or (cluster start --netns) node I alone in the network
# namespace citadel-nI at SUBNET.I, the namespaces joined by the bridge citadel-br, where this
# machine is SUBNET.254. The cluster's folder remembers which (its file netns holds SUBNET).
subnet=${CITADEL_CLUSTER_SUBNET:-10.77.0}
netns_mode() { [ -f "$cluster_home/netns" ]; }
node_addr() {
  if netns_mode; then printf '%s.%s' "$(cat "$cluster_home/netns")" "$1"; else printf '127.0.0.1'; fi
}
node_ns() { printf 'citadel-n%s' "$1"; }
# in_node I COMMAND...: runs COMMAND in node I's network namespace (on this machine's otherwise)
in_node() {
  local i=$1
  shift
  if netns_mode; then ip netns exec "$(node_ns "$i")" "$@"; else "$@"; fi
}

netns_check() {
  command -v ip >/dev/null || die "--netns needs iproute2's ip (apt-get install iproute2)"
  [ "$(id -u)" = 0 ] || die "--netns needs root: it makes network namespaces and a bridge"
}

# netns_up I: node I's namespace, its veth pair (cithI on the bridge, citnI inside), its address
netns_up() {
  local i=$1 ns sub
  netns_mode || return 0
  sub=$(cat "$cluster_home/netns")
  ns=$(node_ns "$i")
  # each step checked on its own, so that a run cut off halfway is completed by the next
  ip link show citadel-br >/dev/null 2>&1 || ip link add citadel-br type bridge
  ip addr replace "$sub.254/24" dev citadel-br
  ip link set citadel-br up
  ip netns list | grep -w "$ns" >/dev/null || ip netns add "$ns"
  if ! ip netns exec "$ns" ip link show "citn$i" >/dev/null 2>&1; then
    ip link show "cith$i" >/dev/null 2>&1 || ip link add "cith$i" type veth peer name "citn$i"
    ip link set "citn$i" netns "$ns"
  fi
  ip link set "cith$i" master citadel-br up
  ip netns exec "$ns" ip addr replace "$sub.$i/24" dev "citn$i"
  ip netns exec "$ns" ip link set "citn$i" up
  ip netns exec "$ns" ip link set lo up
  log "node $i: network namespace $ns, address $sub.$i"
}

# netns_down N: removes the namespaces (their veth pairs go with them) and the bridge
netns_down() {
  local n=$1
  netns_mode || return 0
  for i in $(seq 1 "$n"); do ip netns del "$(node_ns "$i")" 2>/dev/null || true; done
  ip link del citadel-br 2>/dev/null || true
}

node_pid() {
  local h pid
  h=$(node_home "$1")
  [ -f "$h/karaf.pid" ] || return 1
  pid=$(cat "$h/karaf.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  printf '%s' "$pid"
}

# on_node I COMMAND...: one console command on node I (its bin/client reads the node's SSH port)
on_node() {
  local h addr
  h=$(node_home "$1")
  addr=$(node_addr "$1")
  shift
  echo "" | "$h/bin/client" -h "$addr" -r 3 -d 1 "$*" 2>/dev/null \
    | grep -v -E 'JAVA_HOME not set|unverified|^Closed$' || true
}

cluster_size() {
  [ -f "$cluster_home/size" ] || die "no local cluster at $cluster_home: run cluster start N"
  cat "$cluster_home/size"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Unpacks node I of N and writes its configuration: ports, the ensemble, the Kafka quorum, the
# group. A node past the controller quorum (growing 3 to 5) is a Kafka broker only: VOTERS, the
# quorum's size, defaults to N.
cluster_install_node() {
  local i=$1 n=$2 archive=$3 quorum=${4:-$2} h dir ensemble voters brokers mem
  dir=$cluster_home/node$i
  h=$(node_home "$i")
  [ -d "$h" ] && return 0
  mkdir -p "$dir"
  tar -xzf "$archive" -C "$dir"
  mv "$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'citadel-*' | head -n 1)" "$h"
  ensemble="" voters="" brokers=""
  for j in $(seq 1 "$n"); do
    ensemble="$ensemble${ensemble:+,}$(ensemble_line "$j")"
    [ "$j" -gt "$quorum" ] || voters="$voters${voters:+,}$j@$(node_addr "$j"):$(cluster_port "$j" kafka-controller)"
    brokers="$brokers${brokers:+,}$(node_addr "$j"):$(cluster_port "$j" kafka)"
  done
  local etc=$h/etc addr
  addr=$(node_addr "$i")
  # every endpoint on the node's own address (loopback unless --netns)
  set_cfg "$etc/org.apache.karaf.shell.cfg" sshHost "$addr"
  set_cfg "$etc/org.apache.karaf.management.cfg" rmiRegistryHost "$addr"
  set_cfg "$etc/org.apache.karaf.management.cfg" rmiServerHost "$addr"
  set_cfg "$etc/io.citadel.engine.cfg" bind-address "$addr"
  set_cfg "$etc/io.citadel.cldb.cfg" listen-address "$addr"
  set_cfg "$etc/io.citadel.loadbalancer.cfg" listen-address "$addr"
  set_cfg "$etc/io.citadel.kafka.cfg" listen-address "$addr"
  set_cfg "$etc/org.apache.karaf.shell.cfg" sshPort "$(cluster_port "$i" ssh)"
  set_cfg "$etc/org.apache.karaf.management.cfg" rmiRegistryPort "$(cluster_port "$i" rmi-registry)"
  set_cfg "$etc/org.apache.karaf.management.cfg" rmiServerPort "$(cluster_port "$i" rmi-server)"
  set_cfg "$etc/io.citadel.coordination.cfg" ensemble.servers "$ensemble"
  set_cfg "$etc/io.citadel.coordination.cfg" ensemble.id "$i"
  set_cfg "$etc/io.citadel.coordination.cfg" session.timeout.ms 10000
  set_cfg "$etc/io.citadel.coordination.cfg" cluster.name local
  # each node sizes its services for its share of the machine, not the whole of it
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)
  set_cfg "$etc/io.citadel.warden.cfg" host.name "node$i"
  set_cfg "$etc/io.citadel.warden.cfg" memory.total.mb $((mem / n))
  # and its JVM a heap of half that share (the Kafka broker, a child process, has its own): the
  # Warden holds the budgets of the services in this JVM to what its heap can give them
  printf '\n# local cluster node %s: a heap of half its share of the machine (setenv is read twice)\ncase " ${EXTRA_JAVA_OPTS:-} " in *" -Xmx"*) ;; *) export EXTRA_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -Xmx%sm" ;; esac\n' \
    "$i" $((mem / n / 2)) >> "$h/bin/setenv"
  set_cfg "$etc/io.citadel.engine.cfg" port "$(cluster_port "$i" pg)"
  set_cfg "$etc/io.citadel.engine.cfg" http-port "$(cluster_port "$i" engine-http)"
  set_cfg "$etc/io.citadel.cldb.cfg" port "$(cluster_port "$i" cldb)"
  set_cfg "$etc/io.citadel.loadbalancer.cfg" pg-port "$(cluster_port "$i" balancer-pg)"
  set_cfg "$etc/io.citadel.loadbalancer.cfg" http-port "$(cluster_port "$i" balancer-http)"
  set_cfg "$etc/io.citadel.loadbalancer.cfg" group demo
  set_cfg "$etc/io.citadel.kafka.cfg" port "$(cluster_port "$i" kafka)"
  set_cfg "$etc/io.citadel.kafka.cfg" controller-port "$(cluster_port "$i" kafka-controller)"
  set_cfg "$etc/io.citadel.kafka.cfg" node-id "$i"
  set_cfg "$etc/io.citadel.kafka.cfg" controller-quorum "$voters"
  set_cfg "$etc/io.citadel.kafka.cfg" cluster-id "$(cat "$cluster_home/kafka-cluster-id")"
  set_cfg "$etc/io.citadel.kafka.cfg" cluster-brokers "$brokers"
  set_cfg "$etc/io.citadel.replication.cfg" ha-group-id ""
  set_cfg "$etc/io.citadel.replication.cfg" ha-unique-server-id "node$i"
  set_cfg "$etc/io.citadel.replication.cfg" ha-shared-data "$cluster_home/shared"
  # every engine's first superuser gets the cluster's one password
  mkdir -p "$h/data/engine"
  (umask 077; cp "$cluster_home/password" "$h/data/engine/initial-password")
}

# wait_for SECONDS DESCRIPTION COMMAND...: runs COMMAND each second until it succeeds.
wait_for() {
  local limit=$1 what=$2 begin=$SECONDS
  shift 2
  until "$@"; do
    [ $((SECONDS - begin)) -lt "$limit" ] || die "$what: not within ${limit}s"
    sleep 1
  done
}

node_zk_connected() { on_node "$1" zk:stat | grep -q -E 'State +\| (CONNECTED|RECONNECTED)'; }
node_service_running() { on_node "$1" "warden:list --no-format" | grep -q -E "^$2[[:space:]]+running"; }
group_made() {
  local out rf=$(( $(cluster_size) < 3 ? $(cluster_size) : 3 ))
  # an explicit replication factor: refused until that many brokers have registered, so the
  # topic never gets fewer copies because a broker was still starting
  out=$(on_node 1 "ha:create-group --replication-factor $rf demo")
  printf '%s' "$out" | grep -q -E "created the HA group's topic|exists already"
}
group_online() {
  local n=$1 online
  online=$(on_node 1 ha:members | grep -c -w ONLINE || true)
  [ "$online" -ge "$n" ]
}

cluster_start() {
  local n="" no_build=false netns=false archive
  for arg; do
    case "$arg" in
      --no-build) no_build=true ;;
      --netns) netns=true ;;
      *) [ -z "$n" ] || die "cluster start N [--no-build] [--netns]: '$arg'?"; n=$arg ;;
    esac
  done
  case "$n" in 3|5) ;; *) die "cluster start N: N is 3 or 5 (a ZooKeeper ensemble of an odd size)" ;; esac
  java_ok
  if [ -f "$cluster_home/size" ] && [ "$(cat "$cluster_home/size")" != "$n" ]; then
    die "$cluster_home holds a cluster of $(cat "$cluster_home/size"): stop it and remove the folder first"
  fi
  for i in $(seq 1 "$n"); do
    if node_pid "$i" >/dev/null; then die "node $i is running already: cluster stop first"; fi
  done
  $no_build || build
  archive=$(ls "$here"/target/citadel-*.tar.gz 2>/dev/null | head -n 1)
  [ -n "$archive" ] || die "no distribution in $here/target: build first (drop --no-build)"
  if [ -f "$cluster_home/size" ]; then
    if $netns && ! netns_mode; then die "$cluster_home holds a cluster on loopback: stop it and remove the folder first"; fi
  elif $netns; then
    netns_check
    # the namespaces' names are the machine's: one cluster in namespaces at a time
    if ip netns list | grep -w "$(node_ns 1)" >/dev/null || ip link show citadel-br >/dev/null 2>&1; then
      die "network namespace $(node_ns 1) or bridge citadel-br exists: another cluster runs in namespaces (stop it first)"
    fi
    mkdir -p "$cluster_home"
    printf '%s\n' "$subnet" > "$cluster_home/netns"
  fi
  netns_mode && netns_check
  mkdir -p "$cluster_home/shared"
  printf '%s\n' "$n" > "$cluster_home/size"
  [ -f "$cluster_home/kafka-cluster-id" ] ||
    new_cluster_id > "$cluster_home/kafka-cluster-id"
  [ -f "$cluster_home/password" ] ||
    (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' 'xy' | tr -d '=\n' > "$cluster_home/password")
  for i in $(seq 1 "$n"); do
    netns_up "$i"
    if [ ! -d "$(node_home "$i")" ] && ! netns_mode; then
      for name in $cluster_port_names; do
        port_free "$(cluster_port "$i" "$name")" ||
          die "port $(cluster_port "$i" "$name") ($name of node $i) is taken: set CITADEL_CLUSTER_PORT_BASE"
      done
    fi
    cluster_install_node "$i" "$n" "$archive"
  done
  # the ensemble forms once a majority of its servers runs: start them all, then wait
  for i in $(seq 1 "$n"); do
    log "starting node $i ($(node_home "$i"), $(node_addr "$i"))"
    in_node "$i" setsid "$(node_home "$i")/bin/start" < /dev/null > /dev/null 2>&1
  done
  for i in $(seq 1 "$n"); do
    wait_for "$start_timeout" "node $i's ZooKeeper session" node_zk_connected "$i"
    log "node $i: connected to the ensemble"
  done
  wait_for "$start_timeout" "Kafka on node 1" node_service_running 1 kafka
  wait_for "$start_timeout" "the HA group demo's topic" group_made
  for i in $(seq 1 "$n"); do
    set_cfg "$(node_home "$i")/etc/io.citadel.replication.cfg" ha-group-id demo
  done
  wait_for "$start_timeout" "all $n members of demo ONLINE" group_online "$n"
  on_node 1 ha:members >&2
  cat >&2 <<MSG
[citadel] a cluster of $n nodes runs in $cluster_home: ZooKeeper ensemble and Kafka cluster of $n
[citadel] psql:     PGPASSWORD=\$(cat $cluster_home/password) psql -h $(node_addr 1) -p $(cluster_port 1 balancer-pg) -U citadel citadel   (through node 1's balancer)
[citadel] engines:  ports $(for i in $(seq 1 "$n"); do printf '%s ' "$(cluster_port "$i" pg)"; done)(user citadel, same password)
[citadel] console:  $0 cluster client 1 zk:ensemble
[citadel] failover: $0 cluster kill 2   then   $0 cluster restart 2
[citadel] stop:     $0 cluster stop
MSG
  if netns_mode; then
    log "each node has a network namespace of its own: node I at $(cat "$cluster_home/netns").I;" \
      "$0 cluster isolate 2 cuts node 2 off, cluster heal 2 joins it again"
  fi
}

# node_group I: the process group of node I's JVM (setsid gave it one of its own: its Warden's
# children, the Kafka broker among them, are in it too); empty when not running
node_group() {
  local pid
  pid=$(node_pid "$1") || return 0
  ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true
}

# stop_nodes I...: asks nodes I... to stop, then waits for each (bounded, then kill -9); what is
# left of a node's process group after its JVM ended (a child the Warden could not stop in time,
# a JVM killed at the bound) is killed too, so no broker outlives its node
stop_nodes() {
  local pid i groups=()
  for i; do
    groups[$i]=$(node_group "$i")
    if pid=$(node_pid "$i"); then
      log "stopping node $i (pid $pid)"
      in_node "$i" env CITADEL_HOME="$(node_home "$i")" "$(node_home "$i")/bin/stop" < /dev/null > /dev/null 2>&1 ||
        kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for i; do
    if pid=$(node_pid "$i"); then
      local deadline=$((SECONDS + stop_timeout))
      while kill -0 "$pid" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
          log "node $i still running after ${stop_timeout}s: killing pid $pid"
          kill -KILL "$pid" 2>/dev/null || true
          break
        fi
        sleep 1
      done
    fi
    local group=${groups[$i]:-}
    if [ -n "$group" ] && [ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]; then
      local left=$((SECONDS + 20))
      while pgrep -g "$group" >/dev/null 2>&1 && [ $SECONDS -lt $left ]; do sleep 1; done
      if pgrep -g "$group" >/dev/null 2>&1; then
        log "node $i: processes of its group $group outlived it: killing them"
        kill -KILL -- "-$group" 2>/dev/null || true
      fi
    fi
  done
}

cluster_stop() {
  local n
  n=$(cluster_size)
  # nodes past the first three (a grown cluster's broker-only nodes) first, while the Kafka
  # controllers they shut down through still run; then the first three together
  if [ "$n" -gt 3 ]; then stop_nodes $(seq "$n" -1 4); fi
  stop_nodes $(seq 1 $((n < 3 ? n : 3)))
  netns_down "$n"
  log "stopped"
}

cluster_status() {
  local n pid
  n=$(cluster_size)
  printf '%-6s %-8s %-15s %-6s %-6s %-6s %s\n' NODE PID ADDRESS PG SSH ZK HOME
  for i in $(seq 1 "$n"); do
    pid=$(node_pid "$i" || echo "-")
    printf '%-6s %-8s %-15s %-6s %-6s %-6s %s\n' "$i" "$pid" "$(node_addr "$i")" "$(cluster_port "$i" pg)" \
      "$(cluster_port "$i" ssh)" "$(cluster_port "$i" zk-client)" "$(node_home "$i")"
  done
  for i in $(seq 1 "$n"); do
    if node_pid "$i" >/dev/null; then
      on_node "$i" zk:ensemble
      on_node "$i" ha:members
      return 0
    fi
  done
  log "no node is running"
  return 3
}

cluster_node_arg() {
  local n i=${1:-}
  n=$(cluster_size)
  case "$i" in ''|*[!0-9]*) die "NODE is a number from 1 to $n" ;; esac
  [ "$i" -ge 1 ] && [ "$i" -le "$n" ] || die "NODE is a number from 1 to $n"
  printf '%s' "$i"
}

# signal_node I SIGNAL VERB: sends SIGNAL to node I's whole process group (setsid gave it its own):
# the JVM and the Warden's children, the Kafka broker among them, together, as on a machine that
# fails or freezes
signal_node() {
  local i=$1 signal=$2 verb=$3 pid group
  pid=$(node_pid "$i") || die "node $i is not running"
  group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
  if [ -n "$group" ] && [ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]; then
    kill "-$signal" -- "-$group" 2>/dev/null || true
    log "$verb node $i (process group $group)"
  else
    kill "-$signal" "$pid" $(pgrep -P "$pid" 2>/dev/null || true) 2>/dev/null || true
    log "$verb node $i (pid $pid and its children)"
  fi
}

cluster_kill() { signal_node "$(cluster_node_arg "$1")" KILL killed; }
# a frozen node holds its sockets open but answers nothing: a hung machine, not a dead one
cluster_pause() { signal_node "$(cluster_node_arg "$1")" STOP paused; }
cluster_resume() { signal_node "$(cluster_node_arg "$1")" CONT resumed; }

cluster_restart() {
  local i pid
  i=$(cluster_node_arg "$1")
  if pid=$(node_pid "$i"); then
    in_node "$i" "$(node_home "$i")/bin/stop" < /dev/null > /dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_for "$stop_timeout" "node $i to stop" bash -c "! kill -0 $pid 2>/dev/null"
  fi
  in_node "$i" setsid "$(node_home "$i")/bin/start" < /dev/null > /dev/null 2>&1
  wait_for "$start_timeout" "node $i's ZooKeeper session" node_zk_connected "$i"
  log "node $i restarted and connected to the ensemble"
}

# ensemble_line I: server I of the ensemble, as zk:reconfig and ensemble.servers name it
ensemble_line() {
  local a
  a=$(node_addr "$1")
  printf '%s=%s:%s:%s;%s:%s' "$1" "$a" "$(cluster_port "$1" zk-quorum)" \
    "$(cluster_port "$1" zk-election)" "$a" "$(cluster_port "$1" zk-client)"
}

# Grows a cluster of 3 to 5 with the data kept: nodes 4 and 5 start as ZooKeeper learners (their
# description names all five servers) and Kafka brokers of the running cluster (the controller
# quorum stays the first three), join the group demo, and ZooKeeper's reconfig, run on node 1,
# makes their peers voters.
cluster_grow() {
  local n target=${1:-} archive add="" ensemble=""
  n=$(cluster_size)
  [ "$n" = 3 ] && [ "$target" = 5 ] || die "cluster grow 5: grows a cluster of 3 nodes to 5 (this one has $n)"
  java_ok
  archive=$(ls "$here"/target/citadel-*.tar.gz 2>/dev/null | head -n 1)
  [ -n "$archive" ] || die "no distribution in $here/target: build first"
  for i in 1 2 3; do node_pid "$i" >/dev/null || die "node $i is not running: all three must run to grow"; done
  for i in 4 5; do
    [ ! -d "$(node_home "$i")" ] || die "$(node_home "$i") exists already"
    netns_mode && continue
    for name in $cluster_port_names; do
      port_free "$(cluster_port "$i" "$name")" ||
        die "port $(cluster_port "$i" "$name") ($name of node $i) is taken"
    done
  done
  # from here on the cluster is one of five: stop and status take in nodes 4 and 5, however far
  # the growth gets
  printf '5\n' > "$cluster_home/size"
  for i in 4 5; do
    cluster_install_node "$i" 5 "$archive" 3
    set_cfg "$(node_home "$i")/etc/io.citadel.replication.cfg" ha-group-id demo
    netns_up "$i"
    log "starting node $i ($(node_home "$i"), $(node_addr "$i"))"
    in_node "$i" setsid "$(node_home "$i")/bin/start" < /dev/null > /dev/null 2>&1
  done
  for i in 4 5; do
    wait_for "$start_timeout" "node $i's ZooKeeper session" node_zk_connected "$i"
    log "node $i: its peer follows the ensemble's leader (not voting yet)"
    add="$add --add \"$(ensemble_line "$i")\""
  done
  log "zk:reconfig$add (on node 1)"
  local out
  out=$(on_node 1 "zk:reconfig$add")
  printf '%s\n' "$out" >&2
  printf '%s' "$out" | grep -q "5 voting servers" || die "the ensemble did not take nodes 4 and 5"
  for j in 1 2 3 4 5; do ensemble="$ensemble${ensemble:+,}$(ensemble_line "$j")"; done
  # every node's description names the five now: for nodes that start later (peers keep
  # ZooKeeper's membership and are not restarted by it)
  for i in 1 2 3 4 5; do
    set_cfg "$(node_home "$i")/etc/io.citadel.coordination.cfg" ensemble.servers "$ensemble"
  done
  wait_for "$start_timeout" "all 5 members of demo ONLINE" group_online 5
  on_node 1 zk:ensemble >&2
  on_node 1 ha:members >&2
  log "the cluster has 5 nodes: a ZooKeeper ensemble of 5 (2 may fail), Kafka brokers on all five (controllers on 1-3)"
}

# cluster isolate NODE / heal NODE (--netns only): takes node I's link to the bridge down or up,
# a partition that cuts it off from every other node and from this machine
cluster_link() {
  local i
  i=$(cluster_node_arg "$1")
  netns_mode || die "isolate and heal need a cluster started with --netns (its nodes on loopback share one network)"
  ip link set "cith$i" "$2"
  if [ "$2" = down ]; then log "node $i is cut off (its link cith$i is down)"; else log "node $i is connected again"; fi
}

cluster() {
  local sub=${1:-}
  shift || true
  case "$sub" in
    start) cluster_start "$@" ;;
    stop) cluster_stop ;;
    status) cluster_status ;;
    client) local i; i=$(cluster_node_arg "${1:-}"); shift; on_node "$i" "$*" ;;
    kill) cluster_kill "${1:-}" ;;
    pause) cluster_pause "${1:-}" ;;
    resume) cluster_resume "${1:-}" ;;
    restart) cluster_restart "${1:-}" ;;
    grow) cluster_grow "${1:-}" ;;
    isolate) cluster_link "${1:-}" down ;;
    heal) cluster_link "${1:-}" up ;;
    *) sed -n '11,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  client) shift; pid_of_node >/dev/null || die "not running"; if [ $# -gt 0 ]; then console "$*"; else exec "$home/bin/client"; fi ;;
  cluster) shift; cluster "$@" ;;
  *) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
