#!/usr/bin/env bash
# p99 latency with 100 % mirroring ÷ p99 without, same run (issue 9's goal: at most 1.05).
#   bench/mirror-latency.sh [requests-per-host=20000] [client-threads=4] [--no-sink]
# Starts an in-process broker, config, registry, an ingress gateway, two backends and mirror-sink
# (see e2e/src/test/java/io/sluice/e2e/MirrorLatencyBenchmark.java), then prints the percentiles.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
MVN=(mvn -B -q ${SLUICE_MVN_ARGS:-})
cd "$ROOT"
"${MVN[@]}" install -DskipTests
"${MVN[@]}" -pl e2e test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.cp
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Djdk.httpclient.allowRestrictedHeaders=host -Djava.util.logging.config.file="$ROOT/etc/logging.properties" -Dsluice.compat.dir="$ROOT/compat/book-chapter4" \
  -cp "e2e/target/test-classes:$(cat e2e/target/bench.cp)" io.sluice.e2e.MirrorLatencyBenchmark "$@"
