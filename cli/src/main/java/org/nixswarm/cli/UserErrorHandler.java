package org.nixswarm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns the components' user-facing exceptions into one line on stderr and exit code 1. Anything
 * else is a bug and keeps its stack trace.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        if (isUserError(e)) {
            cli.getErr().println("nix-swarm " + cli.getCommandName() + ": " + e.getMessage());
            return 1;
        }
        throw new IllegalStateException(e);
    }

    private static boolean isUserError(Throwable e) {
        if (e instanceof IOException || e instanceof UncheckedIOException) return true;
        // One user-facing exception type per module; match by package rather than importing each.
        String name = e.getClass().getName();
        return name.startsWith("org.nixswarm.") && name.endsWith("Exception");
    }
}
