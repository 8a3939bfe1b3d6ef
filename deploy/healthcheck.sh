#!/bin/bash
# Container health: healthcheck.sh PORT succeeds when GET /healthz/ready on that local port answers 200
# (a service is ready only after it read its topics to the end). Plain bash, as the JRE image has no
# curl; /bin/sh there is dash, which has no /dev/tcp.
set -e
exec 3<>"/dev/tcp/127.0.0.1/${1:?usage: healthcheck.sh PORT}"
printf 'GET /healthz/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 3 status_line <&3
[[ "$status_line" == "HTTP/1.1 200"* ]]
