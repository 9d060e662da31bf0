#!/bin/sh
# Citadel Warden: the lease guard of a claimed service's process.
#
#   lease-guard.sh LEASE_FILE COMMAND
#
# Runs COMMAND (with /bin/sh -c, in a session of its own) and stops it, with SIGKILL to its whole
# process group, the moment the lease in LEASE_FILE runs out. The Warden writes there the instant,
# in centiseconds of /proc/uptime (a clock no date change moves), until which a ZooKeeper round trip
# has confirmed that this node holds the service's claim: half the session timeout from when that
# request was sent. A Warden that stops renewing it (its JVM frozen, or cut off from ZooKeeper)
# thereby loses the process before its session can expire and another node start the service.
# This script lives outside the Warden's JVM for that reason: it runs on while the JVM is frozen.
set -u
lease_file=$1
command=$2

now=0
uptime_cs() {
  read -r up _ </proc/uptime
  frac=${up#*.}
  now=$((${up%.*} * 100 + ${frac#0}))
}

deadline=0
renewed() {
  if read -r next <"$lease_file" 2>/dev/null; then
    case $next in
      '' | *[!0-9]*) ;;
      *) [ "$next" -gt "$deadline" ] && deadline=$next ;;
    esac
  fi
  :
}

renewed
uptime_cs
if [ "$now" -ge "$deadline" ]; then
  echo "lease-guard: the lease in $lease_file has run out (at $deadline, now $now): not starting"
  exit 75
fi

setsid /bin/sh -c "$command" &
child=$!
trap 'kill -TERM "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null' TERM INT HUP

while kill -0 "$child" 2>/dev/null; do
  renewed
  uptime_cs
  if [ "$now" -ge "$deadline" ]; then
    echo "lease-guard: the lease in $lease_file ran out at $deadline (now $now): killing process group $child"
    kill -KILL "-$child" 2>/dev/null || kill -KILL "$child" 2>/dev/null
    break
  fi
  sleep 0.05
done
wait "$child"
