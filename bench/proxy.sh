#!/usr/bin/env bash
# wrk against a backend, nginx, HAProxy and a Sluice gateway, same 10/90 canary, side by side (~3.5 min).
#   bench/proxy.sh [seconds=15] [connections=64] [warmupSeconds=30]
BENCH_TOOLS="wrk nginx haproxy" BENCH_COMMAND="bench/proxy.sh $*" exec "$(dirname "$0")/run.sh" ProxyBenchmark "$@"
