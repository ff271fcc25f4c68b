package io.xaichat.client;

/**
 * Counters of one client.
 *
 * @param duplicatesDropped second results for an already answered job (at-least-once redelivery)
 * @param lateResults results that arrived after their job timed out
 * @param foreignRecords records on the reply topic for jobs this client does not know (shared reply topic)
 */
public record ClientStats(long submitted, long answered, long timedOut, long duplicatesDropped, long lateResults,
                          long foreignRecords) {}
