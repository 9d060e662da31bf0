#!/usr/bin/env bash
# HA replication benchmark: three Citadel servers in one HA group on the first one's Kafka
# broker; replicated insert throughput (batched INSERTs, COPY FROM shared data) and replica
# lag, beside raw Kafka producer throughput and end-to-end latency for the same record
# sizes on the same broker, in the same run.
#   bench/ha-replication.sh [seconds-per-phase=20] [clients=6] [rows-per-insert=100] [lag-samples=2000]
# Needs the reactor built (mvn -B install -DskipTests). Runs 3 Citadel JVMs on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/bench"
archive=$(ls "$root"/karaf-distro/target/citadel-*.tar.gz | head -n 1)
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/classes:$(cat target/classpath.txt)" \
  io.citadel.bench.HaReplicationBench "$archive" "${1:-20}" "${2:-6}" "${3:-100}" "${4:-2000}"
