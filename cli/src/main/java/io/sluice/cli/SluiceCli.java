package io.sluice.cli;

import java.util.Arrays;

/**
 * The Java side of the {@code ./sluice} script: {@code apply}, {@code delete}, {@code get},
 * {@code analyze}, {@code install}, {@code create secret tls}, {@code status} and {@code backend}. Exit codes:
 * 0 done, 1 the server refused, 2 bad usage.
 */
public final class SluiceCli {

    private SluiceCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        if (args.length == 0) {
            System.err.println(usage());
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            return switch (args[0]) {
                case "apply" -> ConfigCommands.apply(CliArgs.parse(rest), false);
                case "delete" -> ConfigCommands.apply(CliArgs.parse(rest), true);
                case "get" -> ConfigCommands.get(CliArgs.parse(rest));
                case "create" -> CreateSecret.run(CliArgs.parse(rest));
                case "backend" -> Backend.run(CliArgs.parse(rest));
                case "analyze" -> AnalyzeCommand.run(CliArgs.parse(rest));
                case "install" -> InstallCommand.run(CliArgs.parse(rest));
                case "status" -> StatusCommand.run(CliArgs.parse(rest));
                default -> {
                    System.err.println("unknown command \"" + args[0] + "\"\n" + usage());
                    yield 2;
                }
            };
        } catch (CliArgs.UsageException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
    }

    static String usage() {
        return """
                usage: sluice apply -f FILE|DIR|- [-n NS]
                       sluice delete -f FILE|DIR|- [-n NS]
                       sluice get KIND [NAME] [-n NS | -A] [-o yaml|json]
                       sluice get endpoints [-n NS | -A] [-o yaml|json]
                       sluice analyze [-f FILE|DIR|-] [-n NS]
                       sluice install --set meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY|REGISTRY_ONLY
                       sluice create secret tls NAME --cert FILE --key FILE [--ca FILE] [-n NS] [-o yaml|json]
                       sluice status [-o json]
                       sluice backend --port P --body TEXT [--register SERVICE.NAMESPACE] [--service-port N] [--label k=v]...
                                      [--weight N] [--host ADDR] [--advertise ADDR]""";
    }
}
