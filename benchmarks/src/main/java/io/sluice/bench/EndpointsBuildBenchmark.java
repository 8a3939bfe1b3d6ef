package io.sluice.bench;

import io.sluice.model.Json;
import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.Workload;
import io.sluice.registry.EndpointsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * registry-service's join of Services and registered workloads into the registry topic's records,
 * which it recomputes after every registration that came, went or changed: {@code services} Services
 * in one namespace, each selecting its two workloads (v1 and v2) by label, as `./sluice backend
 * --register` registers them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EndpointsBuildBenchmark {

    @Param({"1000", "10000"})
    int services;

    List<Resource> config;
    List<Workload> workloads;

    @Setup
    public void setUp() throws Exception {
        StringBuilder yaml = new StringBuilder();
        workloads = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            yaml.append(ScaleBenchmark.service(i));
            for (String version : List.of("v1", "v2")) {
                workloads.add(new Workload("svc-" + i, "scale", "10.0." + (i / 250) + "." + (i % 250),
                        version.equals("v1") ? 8080 : 8081, 80, Map.of("app", "svc-" + i, "version", version)));
            }
        }
        // read as registry-service's store reads them: each spec bound to its type once, on arrival
        config = Manifests.decode(yaml.toString(), "default").stream()
                .map(d -> Json.fromRecordTyped(Json.toRecord(((Manifests.Accepted) d).resource()), 1)).toList();
    }

    @Benchmark
    public Map<String, ServiceEndpoints> build() {
        return EndpointsBuilder.build(config, workloads, (name, port) -> List.of());
    }
}
