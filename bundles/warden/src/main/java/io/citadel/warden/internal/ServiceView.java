package io.citadel.warden.internal;

import java.time.Instant;

/**
 * What the console shows of one service instance on this node.
 *
 * @param service its name
 * @param state its state
 * @param runs what runs: a bundle id, a process id
 * @param memoryMb its memory budget
 * @param restarts how often it was restarted
 * @param since when it entered its state
 * @param dependencies its dependencies, comma-separated
 * @param detail the last error, or what it waits for
 * @param triplet its triplet as written
 */
public record ServiceView(
    String service,
    InstanceState state,
    String runs,
    long memoryMb,
    int restarts,
    Instant since,
    String dependencies,
    String detail,
    String triplet) {}
