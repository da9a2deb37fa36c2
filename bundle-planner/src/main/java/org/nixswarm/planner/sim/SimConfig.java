package org.nixswarm.planner.sim;

import org.nixswarm.planner.PlannerException;

/**
 * The knobs of one simulation run. Times in hours unless named otherwise; rates in Mbit/s.
 *
 * @param peers                 machines running the client
 * @param days                  simulated days
 * @param seed                  the only source of randomness
 * @param onlineHours           median length of an ordinary peer's online session (log-normal, sigma 1)
 * @param offlineHours          mean gap between an ordinary peer's sessions; joins follow a diurnal
 *                              pattern peaking at 20:00 local time (three time zones)
 * @param diurnalAmplitude      0 = flat, 0.9 = nine tenths more joins at the evening peak than on average
 * @param fetchesPerOnlineHour  closure fetches (one workload session each) per online hour
 * @param volunteerFraction     share of peers that volunteer disk for whole bundles
 * @param volunteerBudgetGb     each volunteer's seed budget
 * @param volunteerOnlineHours  median online session of a volunteer (servers: long)
 * @param volunteerOfflineHours mean gap between a volunteer's sessions
 * @param peerUpMbit            median upload cap of an ordinary peer (log-normal, sigma 0.7)
 * @param volunteerUpMbit       upload cap of a volunteer
 * @param indexRttMs            one round trip to the magnet index (narinfo lookup)
 * @param trackerRttMs          one round trip to the tracker (UDP connect + announce = two)
 * @param cdnRttMs              median round trip to the cache's CDN
 * @param peerLatencyMs         median one-way contribution of a peer to a peer-to-peer round trip
 * @param latencySigma          log-normal sigma of the latencies (0 = every latency at its median)
 * @param raceDeadlineMs        after the lookup, peers that cannot deliver a first byte within this
 *                              lose the race to the web seed, which then serves the file
 * @param maxSourcesPerFile     peers one file is striped over (at most one per piece)
 * @param numwant               peers the tracker returns per announce (sampled from the bundle's swarm)
 */
public record SimConfig(int peers, double days, long seed, double onlineHours, double offlineHours,
        double diurnalAmplitude, double fetchesPerOnlineHour, double volunteerFraction, double volunteerBudgetGb,
        double volunteerOnlineHours, double volunteerOfflineHours, double peerUpMbit, double volunteerUpMbit,
        double indexRttMs, double trackerRttMs, double cdnRttMs, double peerLatencyMs, double latencySigma,
        double raceDeadlineMs, int maxSourcesPerFile, int numwant) {

    public SimConfig {
        positive("peers", peers);
        positive("days", days);
        positive("online hours", onlineHours);
        positive("offline hours", offlineHours);
        positive("volunteer online hours", volunteerOnlineHours);
        positive("volunteer offline hours", volunteerOfflineHours);
        positive("peer upload", peerUpMbit);
        positive("volunteer upload", volunteerUpMbit);
        positive("sources per file", maxSourcesPerFile);
        positive("numwant", numwant);
        if (diurnalAmplitude < 0 || diurnalAmplitude >= 1) bad("diurnal amplitude must be in [0, 1), got " + diurnalAmplitude);
        if (volunteerFraction < 0 || volunteerFraction > 1) bad("volunteer fraction must be in [0, 1], got " + volunteerFraction);
        if (fetchesPerOnlineHour < 0 || volunteerBudgetGb < 0 || indexRttMs < 0 || trackerRttMs < 0 || cdnRttMs < 0
                || peerLatencyMs < 0 || latencySigma < 0 || raceDeadlineMs < 0) {
            bad("rates, budgets, latencies and the race deadline must not be negative");
        }
        if (days > 60) bad("days must be at most 60, got " + days);
        // swarm membership is kept as one int per peer and bundle
        if (peers > 200_000) bad("peers must be at most 200000, got " + peers);
    }

    private static void positive(String what, double v) {
        if (!(v > 0)) bad(what + " must be positive, got " + (v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v)));
    }

    private static void bad(String msg) {
        throw new PlannerException("simulation: " + msg);
    }

    public static SimConfig defaults(int peers, double days, long seed) {
        return new SimConfig(peers, days, seed, 2.0, 10.0, 0.6, 0.15, 0.01, 2.0, 72.0, 4.0, 10.0, 100.0,
                40.0, 40.0, 25.0, 30.0, 0.5, 1000.0, 4, 50);
    }

    public SimConfig withVolunteers(double fraction, double budgetGb) {
        return new SimConfig(peers, days, seed, onlineHours, offlineHours, diurnalAmplitude, fetchesPerOnlineHour,
                fraction, budgetGb, volunteerOnlineHours, volunteerOfflineHours, peerUpMbit, volunteerUpMbit,
                indexRttMs, trackerRttMs, cdnRttMs, peerLatencyMs, latencySigma, raceDeadlineMs, maxSourcesPerFile, numwant);
    }

    public SimConfig withChurn(double online, double offline, double volOnline, double volOffline, double diurnal) {
        return new SimConfig(peers, days, seed, online, offline, diurnal, fetchesPerOnlineHour, volunteerFraction,
                volunteerBudgetGb, volOnline, volOffline, peerUpMbit, volunteerUpMbit, indexRttMs, trackerRttMs,
                cdnRttMs, peerLatencyMs, latencySigma, raceDeadlineMs, maxSourcesPerFile, numwant);
    }

    public SimConfig withFetchRate(double perOnlineHour) {
        return new SimConfig(peers, days, seed, onlineHours, offlineHours, diurnalAmplitude, perOnlineHour,
                volunteerFraction, volunteerBudgetGb, volunteerOnlineHours, volunteerOfflineHours, peerUpMbit,
                volunteerUpMbit, indexRttMs, trackerRttMs, cdnRttMs, peerLatencyMs, latencySigma, raceDeadlineMs,
                maxSourcesPerFile, numwant);
    }

    public SimConfig withLatencies(double index, double tracker, double cdn, double peer, double sigma, double deadline) {
        return new SimConfig(peers, days, seed, onlineHours, offlineHours, diurnalAmplitude, fetchesPerOnlineHour,
                volunteerFraction, volunteerBudgetGb, volunteerOnlineHours, volunteerOfflineHours, peerUpMbit,
                volunteerUpMbit, index, tracker, cdn, peer, sigma, deadline, maxSourcesPerFile, numwant);
    }

    public SimConfig withUpload(double peerMbit, double volunteerMbit) {
        return new SimConfig(peers, days, seed, onlineHours, offlineHours, diurnalAmplitude, fetchesPerOnlineHour,
                volunteerFraction, volunteerBudgetGb, volunteerOnlineHours, volunteerOfflineHours, peerMbit,
                volunteerMbit, indexRttMs, trackerRttMs, cdnRttMs, peerLatencyMs, latencySigma, raceDeadlineMs,
                maxSourcesPerFile, numwant);
    }
}
