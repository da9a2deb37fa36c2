package org.nixswarm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one {@code nix-swarm} command. Subcommands are the components' entry points. */
@Command(
        name = "nix-swarm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A peer-to-peer layer for the Nix binary cache: bundles, tracker, index and substituter.",
        subcommands = {
            CommandLine.HelpCommand.class,
            TestCacheCommand.class,
            TrackerCommand.class,
            PlanCommand.class,
            PlanEvalCommand.class,
            IndexCommand.class,
            SimulateCommand.class,
            ServeCommand.class,
            FetchCommand.class,
            DemoCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command and returns its exit code; user errors print a message, not a stack trace. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrorHandler());
        return cli.execute(args);
    }
}
