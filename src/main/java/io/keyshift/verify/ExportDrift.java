package io.keyshift.verify;

import java.util.function.Consumer;

import io.keyshift.migration.Decider;
import io.keyshift.migration.Decision;
import io.keyshift.migration.Outcome;
import io.keyshift.migration.Permissions;
import io.keyshift.migration.UserCase;
import io.keyshift.migration.Verdict;

/**
 * Every ACTIVE token of a user in scope against what SPEC §3 derives from the export, by the job's
 * own {@link Decider} (as a dry run decides): a token the next real run would update or revoke has
 * drifted from the export. Tokens of quarantined pairs are left alone (bad data never changes a
 * token) and counted, as are those of users the export does not name.
 */
public final class ExportDrift {

	private long checked;

	private long quarantined;

	public void check(Iterable<UserCase> users, Consumer<Violation> out) {
		Decider decider = new Decider(true, false);
		for (UserCase user : users) {
			Verdict verdict = decider.decide(user);
			for (Decision d : verdict.decisions()) {
				if (d.existingToken() == null) {
					continue;
				}
				String who = "token " + d.existingToken().tokenId() + " (user " + user.userId() + ", account "
						+ (d.accountId() != null ? d.accountId() : d.existingToken().accountId()) + ")";
				if (d.outcome() == Outcome.QUARANTINED) {
					quarantined++;
					continue;
				}
				checked++;
				if (d.outcome() == Outcome.WOULD_UPDATE) {
					out.accept(new Violation(Violation.PERMISSIONS_MATCH_EXPORT, who + " has '"
							+ d.existingToken().permissions() + "', the export gives '"
							+ Permissions.format(d.permissions()) + "'"));
				}
				else if (d.outcome() == Outcome.WOULD_REVOKE) {
					out.accept(new Violation(Violation.PERMISSIONS_MATCH_EXPORT, who + " has '"
							+ d.existingToken().permissions() + "', the export gives none ("
							+ d.reason() + "): the next real run revokes it"));
				}
			}
		}
	}

	/** ACTIVE tokens compared with the export. */
	public long checked() {
		return checked;
	}

	/** ACTIVE tokens of pairs the export quarantines: not compared. */
	public long quarantined() {
		return quarantined;
	}
}
