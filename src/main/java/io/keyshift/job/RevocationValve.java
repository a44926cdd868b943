package io.keyshift.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.keyshift.migration.Decider;
import io.keyshift.migration.Decision;
import io.keyshift.migration.UserCase;
import io.keyshift.store.UserCaseSource;
import io.keyshift.store.ValveStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The safety valve of SPEC §3.2, between the load and the migrate step: counts the PATs the run
 * would revoke, by the same rules the migrate step applies, and stops a real run that would revoke
 * more than the limit before anything is written (a truncated {@code account_memberships.csv} looks
 * exactly like mass removal). A dry run records the figures and goes on; its report says a real run
 * would stop. Nothing to count on a first run: no user in scope holds a PAT, and no user is read.
 */
public class RevocationValve implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(RevocationValve.class);

	/** The least default limit, and the share of the in-scope ACTIVE PATs above it (SPEC §3.2). */
	static final long FLOOR = 10;

	static final long PERCENT = 5;

	private final UserCaseSource users;

	private final ValveStore store;

	private final Decider decider;

	private final boolean dryRun;

	private final Long maxRevocations;

	private final int pageSize;

	private final int threads;

	/**
	 * @param maxRevocations the operator's limit, or null for the default
	 * @param threads how many ranges of users are counted at once (the migrate step's workers)
	 */
	public RevocationValve(UserCaseSource users, ValveStore store, Decider decider, boolean dryRun,
			Long maxRevocations, int pageSize, int threads) {
		this.threads = Math.max(1, threads);
		this.users = users;
		this.store = store;
		this.decider = decider;
		this.dryRun = dryRun;
		this.maxRevocations = maxRevocations;
		this.pageSize = pageSize;
	}

	/** The default limit: the larger of 10 and 5% (rounded down) of the ACTIVE PATs of the users in scope. */
	static long defaultLimit(long activeInScope) {
		return Math.max(FLOOR, activeInScope * PERCENT / 100);
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext)
			throws RevocationLimitExceeded {
		long[] tokens = store.activeTokensInAndOutOfScope();
		long activeInScope = tokens[0];
		long planned = activeInScope == 0 ? 0 : countRevocations();
		long limit = maxRevocations != null ? maxRevocations : defaultLimit(activeInScope);
		store.record(activeInScope, tokens[1], planned, limit);
		if (activeInScope == 0 && tokens[1] == 0) {
			// one line all the same: between the load step's last line and the migrate step's first
			log.info("check: no tokens from earlier runs; nothing to revoke");
		}
		else {
			log.info(String.format("check: %,d ACTIVE tokens of users in this export, %,d of users it does not name"
					+ " (left as they are); %,d to revoke, limit %,d", activeInScope, tokens[1], planned, limit));
		}
		if (planned > limit && !dryRun) {
			throw new RevocationLimitExceeded(message(planned, limit, activeInScope, maxRevocations != null));
		}
		return RepeatStatus.FINISHED;
	}

	static String message(long planned, long limit, long activeInScope, boolean given) {
		// the counts with thousands separators; the option values as they are typed
		return "keyshift: this run would revoke " + String.format("%,d", planned)
				+ " personal access tokens, more than the limit of " + String.format("%,d", limit) + " ("
				+ (given ? "--max-revocations " + limit
						: "the default of --max-revocations: the larger of 10 and 5% of the "
								+ String.format("%,d", activeInScope) + " ACTIVE tokens of the users in this export")
				+ "). Nothing was changed. A truncated account_memberships.csv looks just like this: check the export,"
				+ " read the report of a --dry-run, and if the revocations are right rerun with --max-revocations "
				+ planned + ".";
	}

	/**
	 * One pass over the users in scope, decided as the migrate step will (but written nowhere): the
	 * users cut into as many ranges as the migrate step has workers, counted side by side.
	 */
	private long countRevocations() {
		List<Long> cuts = users.boundaries(threads);
		if (cuts.isEmpty()) {
			return countRevocations(0, Long.MAX_VALUE);
		}
		List<long[]> ranges = new ArrayList<>();
		long from = 0;
		for (long cut : cuts) {
			ranges.add(new long[] { from, cut });
			from = cut;
		}
		ranges.add(new long[] { from, Long.MAX_VALUE });
		ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, ranges.size()));
		try {
			List<Future<Long>> counts = new ArrayList<>();
			for (long[] range : ranges) {
				counts.add(pool.submit(() -> countRevocations(range[0], range[1])));
			}
			long revocations = 0;
			for (Future<Long> count : counts) {
				revocations += count.get();
			}
			return revocations;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("the revocation check was interrupted", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		finally {
			pool.shutdownNow();
		}
	}

	/** The revocations among the users with {@code after < user_id <= upTo}, a page at a time. */
	private long countRevocations(long after, long upTo) {
		long revocations = 0;
		boolean complete = false;
		while (!complete) {
			UserCaseSource.Page page = users.page(after, upTo, pageSize);
			for (UserCase user : page.users()) {
				for (Decision d : decider.decide(user).decisions()) {
					if (d.revokesToken()) {
						revocations++;
					}
				}
			}
			after = page.lastUserId();
			complete = page.complete();
		}
		return revocations;
	}
}
