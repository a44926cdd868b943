package io.keyshift.store;

/**
 * Who changed a token, as {@code token_event.actor} records it: this process's host, pid and
 * operating-system user (SPEC §9), e.g. {@code keyshift on host db1, pid 4242, user ops}.
 */
public final class Actor {

	private static final String THIS_PROCESS = "keyshift on host " + RunLock.hostName() + ", pid "
			+ ProcessHandle.current().pid() + ", user " + System.getProperty("user.name", "?");

	private Actor() {
	}

	public static String thisProcess() {
		return THIS_PROCESS;
	}
}
