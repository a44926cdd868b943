package io.keyshift.cli;

import java.util.List;

import io.keyshift.store.NotificationStore.RunPending;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** serve says at start when its delivery key does not open the links waiting for their claim. */
class ServeKeyWarningTests {

	@Test
	void linksOfAnotherKeyAreNamedWithTheirRunsAndCount() {
		assertThat(ServeCli.otherKeyWarning(List.of(new RunPending(1, "aaaa", 3), new RunPending(2, "bbbb", 1_200),
				new RunPending(3, "mine", 5)), "mine"))
			.isEqualTo("keyshift: warning: this delivery key (id mine) does not open 1,203 links waiting for their"
					+ " claim: run 1 (3, sealed with key id aaaa), run 2 (1,200, sealed with key id bbbb). Their claims"
					+ " fail (nothing is used up) until serve runs with the key migrate sealed them with.");
	}

	@Test
	void noWarningWhenTheKeyOpensEveryWaitingLinkOrNoneWaits() {
		assertThat(ServeCli.otherKeyWarning(List.of(new RunPending(1, "mine", 3)), "mine")).isNull();
		assertThat(ServeCli.otherKeyWarning(List.of(), "mine")).isNull();
		// rows of the previous release record no key id: nothing to compare them with
		assertThat(ServeCli.otherKeyWarning(List.of(new RunPending(1, null, 3)), "mine")).isNull();
	}

	@Test
	void oneLinkIsSaidInTheSingular() {
		assertThat(ServeCli.otherKeyWarning(List.of(new RunPending(4, "aaaa", 1)), "mine"))
			.contains("does not open 1 link waiting for their claim: run 4 (1, sealed with key id aaaa)");
	}
}
