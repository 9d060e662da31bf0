#!/usr/bin/env bash
# Singleton failover benchmark: kill -9 of the node running a count-1 service, to the new
# instance running elsewhere, against a bare ZooKeeper ephemeral lock in the same run.
#   bench/singleton-failover.sh [kills=20] [session-timeout-ms=6000]
# Needs the reactor built (mvn -B install -DskipTests). Runs 3 Citadel JVMs on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/bench"
archive=$(ls "$root"/karaf-distro/target/citadel-*.tar.gz | head -n 1)
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -cp "target/classes:$(cat target/classpath.txt)" \
  io.citadel.bench.SingletonFailoverBench "$archive" "${1:-20}" "${2:-6000}"
