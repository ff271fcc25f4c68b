package io.xaichat.worker.kafka;

import io.xaichat.worker.cache.CacheScope;

/**
 * What bounds the worker's actions for one job: where it may reply, how many bytes it may publish, and which
 * cached results it may see.
 */
public record JobSafeguards(ReplyGuard replyGuard, long maxReplyBytes, CacheScope cacheScope) {}
