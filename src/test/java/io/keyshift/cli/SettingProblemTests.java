package io.keyshift.cli;

import java.time.Duration;
import java.util.Map;

import io.keyshift.job.KeyshiftProperties;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The one line a setting Spring cannot bind becomes, from real binding failures of Spring's own Binder. */
class SettingProblemTests {

	private static Throwable binding(Map<String, String> settings, String name, Bindable<?> target) {
		Binder binder = new Binder(new MapConfigurationPropertySource(settings));
		return catchThrowable(() -> binder.bind(name, target));
	}

	@Test
	void aValueThatIsNotANumberNamesTheSettingAndTheValue() {
		Throwable failure = binding(Map.of("keyshift.mail.max-rate", "fast"), "keyshift.mail.max-rate",
				Bindable.of(Double.class));
		assertThat(SettingProblem.explain(new IllegalStateException("context failed", failure)))
			.startsWith("the setting keyshift.mail.max-rate cannot take 'fast' (from ")
			.endsWith(": not a number");
	}

	@Test
	void aSettingWhoseNameSuggestsASecretIsNamedWithoutItsValue() {
		Throwable failure = binding(Map.of("keyshift.claim.secret-ttl", "hunter2"), "keyshift.claim.secret-ttl",
				Bindable.of(Duration.class));
		assertThat(SettingProblem.explain(failure)).startsWith("the setting keyshift.claim.secret-ttl (from ")
			.endsWith(": '[redacted]' is not a valid duration")
			.doesNotContain("hunter2");
	}

	@Test
	void aGroupThatRefusesItsValuesSaysItsOwnLine() {
		Throwable failure = binding(Map.of("keyshift.chunk-size", "0"), "keyshift",
				Bindable.of(KeyshiftProperties.class));
		assertThat(SettingProblem.explain(failure))
			.isEqualTo("keyshift.chunk-size (KEYSHIFT_CHUNK_SIZE) takes 1 to 100000 users per transaction, not 0");
	}

	@Test
	void otherFailuresAreNotSettings() {
		assertThat(SettingProblem.explain(new IllegalStateException("connection refused"))).isNull();
	}
}
