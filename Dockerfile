# One image for every Sluice service; the first argument picks which one runs.
#   docker build -t sluice .
#   docker run sluice config-service --kafka kafka:9092
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q package -DskipTests -pl config-service,registry-service,gateway-node,mirror-sink,cli -am

FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 sluice && mkdir -p /opt/sluice/keys && chown sluice /opt/sluice/keys
WORKDIR /opt/sluice
COPY --from=build /src/etc/logging.properties etc/logging.properties
COPY --from=build /src/etc/jvm etc/jvm
COPY --from=build /src/config-service/target/config-service-0.1.0-SNAPSHOT.jar config-service/
COPY --from=build /src/config-service/target/lib config-service/lib
COPY --from=build /src/registry-service/target/registry-service-0.1.0-SNAPSHOT.jar registry-service/
COPY --from=build /src/registry-service/target/lib registry-service/lib
COPY --from=build /src/gateway-node/target/gateway-node-0.1.0-SNAPSHOT.jar gateway-node/
COPY --from=build /src/gateway-node/target/lib gateway-node/lib
COPY --from=build /src/mirror-sink/target/mirror-sink-0.1.0-SNAPSHOT.jar mirror-sink/
COPY --from=build /src/mirror-sink/target/lib mirror-sink/lib
COPY --from=build /src/cli/target/sluice-cli-0.1.0-SNAPSHOT.jar cli/
COPY --from=build /src/cli/target/lib cli/lib
COPY deploy/entrypoint.sh deploy/healthcheck.sh /opt/sluice/
USER sluice
ENTRYPOINT ["/opt/sluice/entrypoint.sh"]
