#!/usr/bin/env bash
# Load balancer benchmark: Citadel's balancer, on a node of its own, beside HAProxy (Debian's
# package, installed here when missing) at its best for the job (checks at the same 500 ms that run
# a query, option redispatch, retry-on conn-failure empty-response response-timeout), in front of
# the same three engine servers in the same run: POST /sql requests a second and latency
# percentiles over kept-alive and new connections, for a 1,000-row aggregate and for SELECT 1,
# after a warm-up and over rounds in alternating order; then the requests that fail when the same
# server is killed under load through each. Draws bench/target/loadbalancer.svg.
#   bench/loadbalancer.sh [seconds-per-phase=15] [threads=8] [rounds=3]
# Needs the reactor built (mvn -B install -DskipTests). Runs 4 Citadel JVMs on loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/bench"
if ! command -v haproxy >/dev/null && [ ! -x /usr/sbin/haproxy ]; then
  echo "installing haproxy (Debian's package)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -q haproxy >/dev/null
  else
    sudo apt-get install -y -q haproxy >/dev/null
  fi
fi
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
archive=$(ls "$root"/karaf-distro/target/citadel-*.tar.gz | head -n 1)
mkdir -p target
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "target/classes:$(cat target/classpath.txt)" \
  io.citadel.bench.LoadBalancerBench "$archive" "$haproxy" "${1:-15}" "${2:-8}" "${3:-3}"
