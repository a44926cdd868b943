package io.keyshift.cli;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArgumentsTests {

	@Test
	void readsEveryMigrateOption() {
		Arguments.Migrate m = (Arguments.Migrate) Arguments.parse(new String[] { "migrate", "--input", "in",
				"--dry-run", "--report-dir=out", "--revoke-legacy-keys", "--delivery-key-file", "k.key",
				"--spring.datasource.url=jdbc:postgresql://db/keyshift" }, null);
		assertThat(m.command()).isEqualTo(new MigrateCommand(Path.of("in"), true, Path.of("out"), true, Path.of("k.key")));
		assertThat(m.springArgs()).containsExactly("--spring.datasource.url=jdbc:postgresql://db/keyshift");
	}

	@Test
	void takesTheDeliveryKeyFileFromTheEnvironmentWhenNotGiven() {
		Arguments.Migrate m = (Arguments.Migrate) Arguments.parse(new String[] { "migrate", "--input", "in" }, "/k");
		assertThat(m.command().deliveryKeyFile()).isEqualTo(Path.of("/k"));
	}

	@Test
	void threadsBecomeASettingNotPartOfTheRun() {
		Arguments.Migrate m = (Arguments.Migrate) Arguments.parse(new String[] { "migrate", "--input", "in",
				"--threads", "2" }, null);
		assertThat(m.springArgs()).containsExactly("--keyshift.threads=2");
		assertThat(m.command()).isEqualTo(new MigrateCommand(Path.of("in"), false, null, false, null));
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrate", "--input", "in", "--threads=0" }, null))
			.isInstanceOf(UsageException.class).hasMessageContaining("--threads takes a number from 1 to 256");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrate", "--input", "in", "--threads", "x" }, null))
			.isInstanceOf(UsageException.class).hasMessage("--threads takes a whole number, not 'x'");
	}

	@Test
	void helpWinsOverEverythingElse() {
		assertThat(Arguments.parse(new String[] { "migrate", "--bogus", "--help" }, null))
			.isInstanceOf(Arguments.Help.class);
	}

	@Test
	void rejectsUnknownOptionsCommandsAndMissingValues() {
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrate", "--input", "in", "--fast" }, null))
			.isInstanceOf(UsageException.class).hasMessage("unknown option '--fast'");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrat" }, null)).isInstanceOf(UsageException.class)
			.hasMessage("unknown command 'migrat'");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrate", "--input" }, null))
			.isInstanceOf(UsageException.class).hasMessage("--input needs a value");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrate" }, null)).isInstanceOf(UsageException.class)
			.hasMessage("migrate needs --input DIR");
		assertThatThrownBy(() -> Arguments.parse(new String[] {}, null)).isInstanceOf(UsageException.class);
	}

	@Test
	void readsTheDeliverOptionsAndPassesSpringSettingsThrough() {
		assertThat(Arguments.parse(new String[] { "deliver", "--dry-run", "--delivery-key-file=k.key",
				"--spring.mail.host=smtp.example.com", "--keyshift.mail.from=it@example.com" }, null))
			.isEqualTo(new Arguments.Deliver(true, Path.of("k.key"),
					List.of("--spring.mail.host=smtp.example.com", "--keyshift.mail.from=it@example.com")));
		assertThat(Arguments.parse(new String[] { "deliver", "--delivery-key-file", "k.key" }, "/env.key"))
			.isEqualTo(new Arguments.Deliver(false, Path.of("k.key"), List.of()));
		assertThat(Arguments.parse(new String[] { "deliver" }, "/env.key"))
			.isEqualTo(new Arguments.Deliver(false, Path.of("/env.key"), List.of()));
	}

	@Test
	void retryUndeliverableIsADeliverFlagThatADryRunCannotTake() {
		assertThat(Arguments.parse(new String[] { "deliver", "--retry-undeliverable", "--delivery-key-file", "k.key" },
				null))
			.isEqualTo(new Arguments.Deliver(false, false, true, Path.of("k.key"), List.of()));
		assertThat(Arguments.parse(new String[] { "deliver", "--delivery-key-file", "k.key" }, null))
			.isEqualTo(new Arguments.Deliver(false, false, false, Path.of("k.key"), List.of()));
		assertThatThrownBy(() -> Arguments.parse(new String[] { "deliver", "--dry-run", "--retry-undeliverable" }, null))
			.isInstanceOf(UsageException.class)
			.hasMessage("--retry-undeliverable sends and --dry-run sends nothing: give one of them");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "migrate", "--input", "in", "--retry-undeliverable" },
				null))
			.isInstanceOf(UsageException.class);
	}

	@Test
	void deliverTakesNoMigrateOption() {
		assertThatThrownBy(() -> Arguments.parse(new String[] { "deliver", "--input", "in" }, null))
			.isInstanceOf(UsageException.class).hasMessage("unknown option '--input' for deliver");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "deliver", "--delivery-key-file" }, null))
			.isInstanceOf(UsageException.class).hasMessage("--delivery-key-file needs a value");
		assertThatThrownBy(() -> Arguments.parse(new String[] { "deliver", "--dry-run=yes" }, null))
			.isInstanceOf(UsageException.class).hasMessage("--dry-run takes no value");
	}
}
