package io.xaichat.client;

/**
 * Counters of one client.
 *
 * @param duplicatesDropped second results for an already answered job (at-least-once redelivery)
 * @param lateResults results that arrived after their job timed out
 * @param foreignRecords records on the reply topic for jobs this client does not know (shared reply topic)
 * @param rejectedRecords records that claimed to answer one of this client's jobs but did not match it (key,
 *     correlation id and body job_id disagree, or unreadable): forged or misrouted, dropped
 */
public record ClientStats(long submitted, long answered, long timedOut, long duplicatesDropped, long lateResults,
                          long foreignRecords, long rejectedRecords) {}
