#!/bin/sh
# Runs one Sluice service: entrypoint.sh SERVICE [flags…]; services listen on all interfaces. JVM
# options are ./sluice's: etc/jvm/SERVICE.options, else etc/jvm/service.options; SLUICE_JVM_OPTS
# replaces them (for a larger heap: -XX:MaxRAMPercentage=75 sizes it to the container's memory).
set -e
home=${SLUICE_HOME:-/opt/sluice}
service=$1; shift
case "$service" in
  config-service)   main=io.sluice.config.ConfigServiceMain ;;
  registry-service) main=io.sluice.registry.RegistryServiceMain ;;
  gateway-node)     main=io.sluice.gateway.GatewayNodeMain ;;
  mirror-sink)      main=io.sluice.mirror.MirrorSinkMain ;;
  cli)              main=io.sluice.cli.SluiceCli; service=cli ;;
  secret-key)
    # the key that seals Secrets' data in the config topic, made once (a volume keeps it), as ./sluice up does
    file=${1:?usage: secret-key FILE}
    [ -s "$file" ] || (umask 077 && echo "k$(date +%Y%m%d) $(head -c 32 /dev/urandom | base64 -w0)" > "$file")
    exit 0 ;;
  *) echo "unknown service: $service (config-service, registry-service, gateway-node, mirror-sink, cli, secret-key)" >&2
     exit 2 ;;
esac
options=$home/etc/jvm/$service.options
[ -f "$options" ] || options=$home/etc/jvm/service.options
jvm=${SLUICE_JVM_OPTS:-$(grep -v '^#' "$options" | tr '\n' ' ')}
# word splitting of $jvm is wanted: one option a word
# shellcheck disable=SC2086
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow $jvm \
  -Djava.util.logging.config.file="$home/etc/logging.properties" \
  -cp "$home/$service/*:$home/$service/lib/*" "$main" "$@"
