package org.nixswarm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.nixswarm.planner.PlannerException;
import org.nixswarm.planner.cluster.ClusterSettings;
import org.nixswarm.planner.sim.SimConfig;
import org.nixswarm.planner.sim.SimReport;
import org.nixswarm.planner.sim.SimResult;
import org.nixswarm.planner.sim.SimWorkload;
import org.nixswarm.planner.sim.Simulation;
import org.nixswarm.planner.sim.VolunteerPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nix-swarm simulate}: the swarm over days, in one process, for each volunteer policy. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Discrete-event simulation (no sockets) of peers joining and leaving over days and fetching "
                + "closures of a synthetic nixpkgs-like workload over the planner's bundles, with volunteers seeding "
                + "whole bundles and the cache as web seed. Prints origin offload per day, bundles with zero seeders, "
                + "time to first byte, for each volunteer policy (least-seeded, random, none) on the same churn and requests.")
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--peers", defaultValue = "10000", description = "peers (default: ${DEFAULT-VALUE})")
    int peers;

    @Option(names = "--days", defaultValue = "3", description = "simulated days (default: ${DEFAULT-VALUE})")
    double days;

    @Option(names = "--seed", defaultValue = "1", description = "seed of workload, plan and simulation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--json", description = "print JSON (config, totals, hourly series) instead of tables")
    boolean json;

    @Option(names = "--paths", defaultValue = "50000", description = "store paths of the synthetic cache (default: ${DEFAULT-VALUE})")
    int paths;

    @Option(names = "--pool-sessions", defaultValue = "100000",
            description = "workload sessions: even clients train the planner, odd ones are what peers fetch (default: ${DEFAULT-VALUE})")
    int poolSessions;

    @Option(names = "--volunteers", defaultValue = "0.01", description = "fraction of peers that volunteer (default: ${DEFAULT-VALUE})")
    double volunteers;

    @Option(names = "--budget-gb", defaultValue = "2", description = "each volunteer's seed budget (default: ${DEFAULT-VALUE})")
    double budgetGb;

    @Option(names = "--fetches-per-hour", defaultValue = "0.15", description = "closure fetches per online hour of a peer (default: ${DEFAULT-VALUE})")
    double fetchRate;

    @Option(names = "--policy", split = ",", description = "policies to run: least-seeded, random, none (default: all three)")
    List<String> policies = new ArrayList<>();

    @Override
    public Integer call() {
        if (paths < 100) throw new PlannerException("--paths must be at least 100, got " + paths);
        if (poolSessions < 2) throw new PlannerException("--pool-sessions must be at least 2, got " + poolSessions);
        SimConfig cfg = SimConfig.defaults(peers, days, seed).withVolunteers(volunteers, budgetGb).withFetchRate(fetchRate);
        List<VolunteerPolicy> run = new ArrayList<>();
        for (String p : policies) {
            try {
                run.add(VolunteerPolicy.valueOf(p.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new PlannerException("--policy: unknown policy '" + p + "' (least-seeded, random, none)");
            }
        }
        if (run.isEmpty()) run = List.of(VolunteerPolicy.values());
        if (!json) System.out.println("planning the synthetic workload...");
        SimWorkload w = SimWorkload.synthetic(paths, poolSessions, seed, ClusterSettings.defaults());
        List<SimResult> results = new ArrayList<>();
        for (VolunteerPolicy p : run) results.add(new Simulation(w, cfg, p).run());
        if (json) System.out.println(SimReport.json(w, cfg, results));
        else SimReport.text(System.out, w, cfg, results);
        return 0;
    }
}
