#!/usr/bin/env bash
# CLDB benchmark: lookups a second against a slave and the master beside raw ZooKeeper
# reads of the same bytes; heartbeat capacity with simulated fileservers of thousands
# of containers; failover (kill -9 of the master's node to the first write the new
# master accepts) beside a bare ZooKeeper ephemeral lock, median and p99.
#   bench/cldb.sh [kills=20] [session-timeout-ms=6000] [seconds=10] [fileservers=10]
#                 [containers-per-fileserver=2000] [threads=4]
# Needs the reactor built (mvn -B install -DskipTests). Runs 3 Citadel JVMs on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/bench"
archive=$(ls "$root"/karaf-distro/target/citadel-*.tar.gz | head -n 1)
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/classes:$(cat target/classpath.txt)" \
  io.citadel.bench.CldbBench "$archive" "${1:-20}" "${2:-6000}" "${3:-10}" "${4:-10}" \
  "${5:-2000}" "${6:-4}"
