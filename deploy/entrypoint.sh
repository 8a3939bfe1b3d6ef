#!/bin/sh
# Runs one Sluice service: entrypoint.sh SERVICE [flags…]; services listen on all interfaces.
set -e
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
exec java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -XX:MaxRAMPercentage=75 \
  -Djava.util.logging.config.file=/opt/sluice/etc/logging.properties \
  -cp "/opt/sluice/$service/*:/opt/sluice/$service/lib/*" "$main" "$@"
