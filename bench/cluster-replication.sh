#!/usr/bin/env bash
# Replication on the three-broker cluster of `citadel-node.sh cluster start 3`: replicated
# 100-row INSERTs (rows/s, p50/p99) against raw Kafka producers (acks=all, idempotent, RF 3,
# min ISR 2) on the same brokers in the same run, then kill -9 of the topic's leader broker's
# node to the first acknowledged write, over several kills; draws target/cluster-replication.svg.
#   bench/cluster-replication.sh [seconds-per-phase=20] [clients=6] [rows-per-insert=100] [kills=10]
#                                [warm-up-seconds=30, run twice on each side, alternated]
# Needs the reactor built (mvn -B install -DskipTests). Runs 3 Citadel nodes on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/bench"
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/classes:$(cat target/classpath.txt)" \
  io.citadel.bench.ClusterReplicationBench "$root/karaf-distro/citadel-node.sh" \
  "${1:-20}" "${2:-6}" "${3:-100}" "${4:-10}" "${5:-30}"
