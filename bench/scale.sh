#!/usr/bin/env bash
# gateway node start -> ready time and RSS, idle and with 10 000 VirtualServices + 10 000 Services (~1.5 min).
#   bench/scale.sh [objects=10000] [runs=3]
BENCH_COMMAND="bench/scale.sh $*" exec "$(dirname "$0")/run.sh" ScaleBenchmark "$@"
