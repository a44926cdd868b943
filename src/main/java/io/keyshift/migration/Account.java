package io.keyshift.migration;

/** An account from {@code accounts.csv}. */
public record Account(long id, String name, Plan plan, AccountState state) {
}
