package io.keyshift.job;

/**
 * The job parameters of a migration run. The identifying ones (input, its digest, dry run, revoke)
 * make the run: the same command on the same files is the same run, resumed or already done. The
 * report directory and delivery key file may change between attempts.
 */
public final class RunParameters {

	public static final String INPUT = "input";

	public static final String INPUT_DIGEST = "input.digest";

	public static final String DRY_RUN = "dry.run";

	public static final String REVOKE_LEGACY_KEYS = "revoke.legacy.keys";

	/** Dry runs are rehearsals: each one is a new run, so this identifying parameter tells them apart. */
	public static final String REHEARSAL = "rehearsal";

	public static final String REPORT_DIR = "report.dir";

	public static final String DELIVERY_KEY_FILE = "delivery.key.file";

	/**
	 * Whether a real run goes on despite membership rows that name no readable user. Not identifying:
	 * a run stopped on them is resumed by the same command with the option added.
	 */
	public static final String ACCEPT_UNATTRIBUTED_ROWS = "accept.unattributed.rows";

	/**
	 * {@code --max-rate}: users per second across the migrate workers, empty for no limit. Not
	 * identifying: a resumed run keeps the value its last attempt had unless the command gives another.
	 */
	public static final String MAX_RATE = "max.rate";

	/** {@code --pause-file}: the file whose existence pauses the migrate workers, empty for none. Kept as {@link #MAX_RATE}. */
	public static final String PAUSE_FILE = "pause.file";

	/**
	 * Who started this attempt (host, pid, OS user, as {@code token_event.actor}); not identifying:
	 * {@code keyshift status} shows it.
	 */
	public static final String ACTOR = "actor";

	private RunParameters() {
	}
}
