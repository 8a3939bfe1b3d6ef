#!/usr/bin/env bash
# Shared by bench/*.sh: builds what is missing or stale, then runs one benchmark main of the
# benchmarks module with the repository as its working directory. Markdown goes to stdout and to
# bench/results/ (not committed); paste it into BENCHMARKS.md. SLUICE_JVM_OPTS sets the JVM options of
# every Sluice service started (default: each one's own from etc/jvm/, as ./sluice up), e.g. to
# compare collectors.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
main=$1; shift
need=()
for tool in ${BENCH_TOOLS:-}; do   # Debian packages named like their command
  command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export MAVEN_OPTS=${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}
stamp=benchmarks/target/lib
if [ ! -d "$stamp" ] || [ -n "$(find . -path '*/src/main/*' -newer "$stamp" -print -quit)" ] \
   || [ -n "$(find . -name pom.xml -newer "$stamp" -print -quit)" ]; then
  echo "bench: building…" >&2
  mvn -q -B package -DskipTests ${BENCH_MAVEN_ARGS:-} >&2
  touch "$stamp"
fi
# broker data and process logs of the last run stay in bench/results/work for a look, and go with the next run
work="$ROOT/bench/results/work"
rm -rf "$work" && mkdir -p "$work"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -Djava.io.tmpdir="$work" \
  -Djdk.httpclient.allowRestrictedHeaders=host \
  -Djava.util.logging.config.file="$ROOT/etc/logging.properties" \
  -Dsluice.root="$ROOT" -Dsluice.compat.dir="${SLUICE_COMPAT_DIR:-$ROOT/compat/book-chapter4}" \
  -Dbench.jvm="${SLUICE_JVM_OPTS:-}" -Dbench.results="$ROOT/bench/results" -Dbench.command="${BENCH_COMMAND:-$0 $*}" \
  -cp "benchmarks/target/*:benchmarks/target/lib/*" "io.sluice.bench.$main" "$@"
