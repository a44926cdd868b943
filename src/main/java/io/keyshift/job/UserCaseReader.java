package io.keyshift.job;

import java.util.ArrayDeque;
import java.util.Deque;

import io.keyshift.migration.UserCase;
import io.keyshift.store.UserCaseSource;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads the users of a run in user id order, a page at a time (keyset paging: no offset, no open
 * cursor). A restart resumes at the first user of its range with no committed decision (asked of
 * the database, which cannot be ahead of the commits); the last user id handed out is saved in the
 * step's context for whoever inspects it.
 */
public class UserCaseReader implements ItemStreamReader<UserCase> {

	static final String LAST_USER_ID = "users.last.user.id";

	private final UserCaseSource source;

	private final int pageSize;

	private final long minUserId;

	private final long maxUserId;

	private final Deque<UserCase> page = new ArrayDeque<>();

	private long lastUserId;

	/** The last user id the pages fetched so far cover. */
	private long pageEnd;

	private boolean exhausted;

	public UserCaseReader(UserCaseSource source, int pageSize) {
		this(source, pageSize, 0L, Long.MAX_VALUE);
	}

	/** Reads the users with {@code minUserId < user_id <= maxUserId}: one partition of a run. */
	public UserCaseReader(UserCaseSource source, int pageSize, long minUserId, long maxUserId) {
		this.source = source;
		this.pageSize = pageSize;
		this.minUserId = minUserId;
		this.maxUserId = maxUserId;
	}

	@Override
	public void open(ExecutionContext context) {
		// the database says where to go on: the saved position can be ahead of the last commit
		lastUserId = source.resumeAfter(minUserId, maxUserId);
		pageEnd = lastUserId;
		page.clear();
		exhausted = false;
	}

	@Override
	public UserCase read() {
		while (page.isEmpty() && !exhausted) {
			UserCaseSource.Page next = source.page(pageEnd, maxUserId, pageSize);
			page.addAll(next.users());
			pageEnd = next.lastUserId();
			exhausted = next.complete();
		}
		UserCase user = page.poll();
		if (user != null) {
			lastUserId = user.userId();
		}
		return user;
	}

	@Override
	public void update(ExecutionContext context) {
		context.putLong(LAST_USER_ID, lastUserId);
	}
}
