package io.keyshift.input;

/**
 * A rejected input row: the file, the line it starts on, why, and the row itself with any secret
 * masked ({@link MaskedRecord}).
 */
public record Reject(String file, long line, String category, String reason, String record) {
}
