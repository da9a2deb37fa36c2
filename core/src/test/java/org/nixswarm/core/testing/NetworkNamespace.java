package org.nixswarm.core.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away Linux network namespace for tests that need global-unicast addresses (mldht drops
 * loopback and private "bogon" addresses): {@code n} addresses from the benchmarking range
 * 198.18.0.0/15 on the namespace's own {@code lo}, unreachable from and invisible to the host.
 * Java cannot enter a namespace, so the code under test runs in a child JVM started with
 * {@code ip netns exec}, on this JVM's class path. Needs root and iproute2: skips without them
 * on a developer machine, fails on CI.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String name;
    private final List<InetAddress> addresses;
    private final Path ip;
    private boolean closed;

    private NetworkNamespace(String name, List<InetAddress> addresses, Path ip) {
        this.name = name;
        this.addresses = addresses;
        this.ip = ip;
    }

    /** Creates the namespace with {@code count} addresses 198.18.0.1, .2, … and {@code lo} up. */
    public static NetworkNamespace create(int count) {
        Path ip = Tools.require("ip", "iproute2");
        if (!"root".equals(System.getProperty("user.name"))) {
            String msg = "network namespace tests need root (ip netns add)";
            if (Tools.onCi()) Assertions.fail(msg);
            Assumptions.abort(msg);
        }
        if (count < 1 || count > 250) throw new IllegalArgumentException("count " + count);
        String name = "nixswarm-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
        List<InetAddress> addresses = new ArrayList<>();
        NetworkNamespace ns = new NetworkNamespace(name, addresses, ip);
        try {
            // ip netns exec bind-mounts /etc/netns/NAME/* over /etc: a resolver that fails at
            // once, instead of waiting for an unreachable name server (mldht resolves router names)
            Path etc = Path.of("/etc/netns", name);
            Files.createDirectories(etc);
            Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
            run(ip.toString(), "netns", "add", name);
            run(ip.toString(), "netns", "exec", name, ip.toString(), "link", "set", "lo", "up");
            // a default route through lo: mldht probes it (a UDP connect, nothing is sent) to pick
            // its bind address, and prints a stack trace when there is none
            run(ip.toString(), "netns", "exec", name, ip.toString(), "route", "add", "default", "dev", "lo");
            for (int i = 1; i <= count; i++) {
                String a = "198.18.0." + i;
                run(ip.toString(), "netns", "exec", name, ip.toString(), "addr", "add", a + "/32", "dev", "lo");
                addresses.add(InetAddress.getByName(a));
            }
        } catch (RuntimeException | IOException e) {
            ns.close();
            throw new IllegalStateException("cannot set up network namespace " + name + ": " + e.getMessage(), e);
        }
        return ns;
    }

    public String name() {
        return name;
    }

    public List<InetAddress> addresses() {
        return List.copyOf(addresses);
    }

    /** What a child process printed and how it ended. */
    public record Result(int exitCode, String output) {}

    /**
     * Runs {@code main} in a child JVM inside the namespace with this JVM's class path; stdout and
     * stderr are merged into {@link Result#output()}. The child is killed at the timeout.
     */
    public Result runJava(Class<?> main, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ip.toString(), "netns", "exec", name,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path")));
        String shared = System.getProperty("nixswarm.shared");
        if (shared != null) cmd.add("-Dnixswarm.shared=" + shared);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("netns-child", ".log");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor();
                }
                String output = Files.readString(out, StandardCharsets.UTF_8);
                return new Result(done ? p.exitValue() : -1, done ? output : output + "\n[killed after " + timeout + "]");
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + main.getName() + " in " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Whether the namespace still exists (for tests of the cleanup itself). */
    public static boolean exists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            run(ip.toString(), "netns", "del", name);
        } catch (RuntimeException e) {
            // already gone: nothing left to clean up
        }
        try {
            Files.deleteIfExists(Path.of("/etc/netns", name, "resolv.conf"));
            Files.deleteIfExists(Path.of("/etc/netns", name));
        } catch (IOException e) {
            // best effort: an empty directory under /etc/netns is harmless
        }
    }

    private static void run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
