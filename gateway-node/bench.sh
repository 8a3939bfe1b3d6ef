#!/usr/bin/env bash
# Proxy cost of Istio metrics and the access log: wrk against the gateway with none, metrics only, and
# metrics + a text access log written to a file, interleaved for ROUNDS rounds on loopback. Besides
# throughput and latency it prints the JVM's CPU time per request (utime+stime from /proc, backend in
# the same JVM), which a machine busy with other work disturbs far less than req/s.
#   gateway-node/bench.sh [ROUNDS=3] [SECONDS=15] [CONNECTIONS=16]
# Needs wrk (apt-get install -y wrk) and a built tree (mvn install -DskipTests; test classes compiled).
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-3} SECS=${2:-15} CONNS=${3:-16}
JAVA=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
CP_FILE=target/bench.classpath
mvn -B -q -o ${MAVEN_REPO:+-Dmaven.repo.local=$MAVEN_REPO} dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="target/test-classes:target/classes:$(cat "$CP_FILE")"
LOG=$(mktemp /tmp/sluice-bench-access.XXXXXX)
trap 'rm -f "$LOG"' EXIT
for ((r = 1; r <= ROUNDS; r++)); do
  for mode in bare metrics metrics+log; do
    fifo=$(mktemp -u); mkfifo "$fifo"
    "$JAVA" --enable-native-access=ALL-UNNAMED -Xmx256m -cp "$CP" io.sluice.gateway.bench.ProxyOverheadBench \
      "$mode" "$LOG" < "$fifo" > "$fifo.out" 2>"$fifo.err" &
    pid=$!
    exec 9>"$fifo"
    for _ in $(seq 600); do grep -q '^port' "$fifo.out" 2>/dev/null && break; sleep 0.1; done
    port=$(awk '/^port/ {print $2}' "$fifo.out")
    wrk -t1 -c"$CONNS" -d10s "http://127.0.0.1:$port/" >/dev/null   # warm-up: JIT, connections
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(wrk -t1 -c"$CONNS" -d"${SECS}s" --latency "http://127.0.0.1:$port/")
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    n=$(awk '/requests in/ {print $1}' <<<"$out")
    us=$(( (cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) / n ))
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    echo "round $r  $(printf '%-12s' "$mode") req/s $rps  p50 $p50  p99 $p99  cpu/request ${us} us  ($n requests)"
    exec 9>&-
    wait "$pid" || true
    grep -h 'access log' "$fifo.err" || true
    rm -f "$fifo" "$fifo.out" "$fifo.err"
  done
done
