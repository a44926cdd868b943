package io.keyshift.migration;

import java.time.OffsetDateTime;

/** Where a legacy key was used, from {@code api_key_usage.csv}. */
public record KeyUsage(String endpoint, String client, OffsetDateTime lastCalledAt, long calls) {
}
