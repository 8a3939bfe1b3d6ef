#!/usr/bin/env bash
# apply -> new route answered by all three gateway nodes, p50/p99 over 200 samples (~1.5 min).
#   bench/propagation.sh [samples=200] [warmup=20, back to back] [pause between measured samples, ms=0]
#                        [routes of other hosts in the table=0]
BENCH_COMMAND="bench/propagation.sh $*" exec "$(dirname "$0")/run.sh" PropagationBenchmark "$@"
