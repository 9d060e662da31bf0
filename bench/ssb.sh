#!/usr/bin/env bash
# Star Schema Benchmark: Citadel's engine (through its PostgreSQL protocol) against DuckDB in the
# same run, same CSV files, same threads; 13 queries, warm-up then the median of N runs.
#   bench/ssb.sh [scale-factor=10] [threads=2] [runs=7] [heap=14g]
# Needs the reactor built (mvn -B install -DskipTests). Generated data is kept in
# bench/target/ssb/sf<N> and reused; the chart is written to bench/target/ssb/ssb-sf<N>.svg.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/bench"
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Xmx"${4:-14g}" -cp "target/classes:$(cat target/classpath.txt)" \
  io.citadel.bench.ssb.SsbBench "${1:-10}" "${2:-2}" "${3:-7}" target/ssb
