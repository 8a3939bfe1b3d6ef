#!/usr/bin/env bash
# HTTPS at the edge, Sluice's ingress gateway next to nginx: the same certificate (CN=localhost, signed
# by a CA made here), the same backend, the same wrk load.
#   requests/s    keep-alive connections, many requests per handshake
#   handshakes/s  "Connection: close": every request is a new TCP connection and a full TLS handshake
# Usage: bench/https.sh            (DURATION=10s WARMUP=30s CONNECTIONS=32 THREADS=2 to change the load)
# Needs: openssl, curl, wrk, nginx (apt-get install -y nginx wrk), and a built tree (./sluice builds it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
# ports of their own, so the benchmark runs beside a ./sluice up on the defaults
export SLUICE_KAFKA_PORT=19392 SLUICE_CONFIG_PORT=19380 SLUICE_REGISTRY_PORT=19381 SLUICE_MIRROR_PORT=19382
export SLUICE_STATUS_PORT=19321 SLUICE_PORT_OFFSET=19000   # Gateway port 443 -> 19443
export SLUICE_CONFIG_URL=http://127.0.0.1:$SLUICE_CONFIG_PORT SLUICE_REGISTRY_URL=http://127.0.0.1:$SLUICE_REGISTRY_PORT
BACKEND_PORT=19090 SLUICE_HTTPS=19443 NGINX_HTTPS=19444
BODY="<html>sock shop front-end</html>"

for tool in openssl curl wrk nginx; do
  command -v "$tool" >/dev/null || { echo "bench/https.sh: $tool is needed (apt-get install -y nginx wrk)" >&2; exit 2; }
done
work=$(mktemp -d)
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cd "$work"
openssl req -x509 -sha256 -nodes -days 2 -newkey rsa:2048 -subj '/O=Sockshop Inc./CN=Sockshop.inc' \
  -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost/O=sockshop.inc' -keyout tls.key -out tls.csr 2>/dev/null
openssl x509 -req -sha256 -days 2 -CA ca.crt -CAkey ca.key -set_serial 1 -in tls.csr -out tls.crt \
  -extfile <(printf 'subjectAltName=DNS:localhost') 2>/dev/null

"$ROOT/sluice" up --home "$work/home" >"$work/up.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 600; i++)); do
  curl -fsS -o /dev/null "http://127.0.0.1:$SLUICE_STATUS_PORT/healthz/ready" 2>/dev/null && break
  sleep 0.2
done
"$ROOT/sluice" backend --port "$BACKEND_PORT" --body "$BODY" --register front-end.sock-shop >"$work/backend.log" 2>&1 &
pids+=($!)
# a fresh broker may still be electing its transaction coordinator: retry the first write
for ((i = 0; i < 10; i++)); do
  "$ROOT/sluice" create secret tls bench-credential -n istio-system --cert tls.crt --key tls.key && break
  sleep 2
done
"$ROOT/sluice" apply -f "$ROOT/compat/book-chapter4/ClusterIp-front-end-svc.yaml"
"$ROOT/sluice" apply -f - <<'YAML'
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bench-gateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: bench-credential}
    hosts: [localhost]
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [localhost]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bench, namespace: istio-system}
spec:
  hosts: [localhost]
  gateways: [bench-gateway]
  http:
  - route:
    - destination: {host: front-end.sock-shop.svc.cluster.local, port: {number: 80}}
YAML

cat >nginx.conf <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_HTTPS ssl http2;
    server_name localhost;
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache off;
    ssl_session_tickets off;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" 2>"$work/nginx-start.log" || { cat "$work/nginx-start.log" >&2; exit 1; }

for port in $SLUICE_HTTPS $NGINX_HTTPS; do
  for ((i = 0; i < 300; i++)); do
    [ "$(curl -s --cacert ca.crt -o /dev/null -w '%{http_code}' "https://localhost:$port/")" = 200 ] && break
    sleep 0.2
  done
  [ "$(curl -s --cacert ca.crt "https://localhost:$port/")" = "$BODY" ] || { echo "port $port does not serve" >&2; exit 1; }
done

rate() { # scheme, port, extra wrk args...: prints requests/s
  local scheme=$1 port=$2
  shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$@" "$scheme://localhost:$port/" | awk '/Requests\/sec/ {print $2}'
}
# the JIT keeps compiling the TLS and request paths for 15-20 s of load on two shared cores: a short
# warm-up measured the compiler, not the proxy (Sluice HTTPS came out at a tenth of its plain HTTP)
echo "warming up (the JVM's JIT, ${WARMUP}s)…" >&2
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "https://localhost:$SLUICE_HTTPS/" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -H 'Connection: close' "https://localhost:$SLUICE_HTTPS/" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d10s "http://localhost:19080/" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
printf '%-8s %16s %16s\n' "" "requests/s" "handshakes/s"
for target in sluice:$SLUICE_HTTPS nginx:$NGINX_HTTPS; do
  name=${target%%:*} port=${target##*:}
  printf '%-8s %16s %16s\n' "$name" "$(rate https "$port")" "$(rate https "$port" -H 'Connection: close')"
done
# for scale: the same route over plain HTTP (Gateway port 80), where no TLS is involved
printf '%-8s %16s %16s\n' "sluice, plain HTTP" "$(rate http 19080)" "$(rate http 19080 -H 'Connection: close')"
