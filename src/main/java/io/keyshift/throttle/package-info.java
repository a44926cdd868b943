/**
 * How fast the migrate step may go: a rate limit shared by its workers and the operator's pause
 * flag. Plain Java, no Spring: the job wires them in at chunk boundaries.
 */
package io.keyshift.throttle;
