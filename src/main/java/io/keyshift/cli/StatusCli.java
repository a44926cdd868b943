package io.keyshift.cli;

import io.keyshift.job.MigrationJobConfiguration;
import io.keyshift.status.DatabaseStatus;
import io.keyshift.status.StatusJson;
import io.keyshift.status.StatusText;
import io.keyshift.store.StatusStore;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyshift status}: every run on this database and the notifications, read only (no Flyway,
 * selects only), so it is safe while a run is going (on PostgreSQL; H2 lets one process open it).
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class,
		sortOptions = false, usageHelpWidth = 100,
		description = { "Shows every run on this database (dry or real, input and its digest, started, ended,"
				+ " state, attempts, who ran it, report rows per outcome), the live progress of a run that is"
				+ " going (users decided / in scope, rate, ETA), and the notifications by status. Reads only;"
				+ " exit 0." })
final class StatusCli implements CliCommand {

	@Option(names = "--json", arity = "0", description = "print one JSON document, for scripts")
	boolean json;

	@Override
	public int run(CommandContext context) {
		ConfigurableApplicationContext spring;
		try {
			spring = Cli.start(context.springArgs(), Cli.Existing.reader("status"));
		}
		catch (Cli.NotStarted ex) {
			context.err().println(ex.getMessage());
			return ex.exitCode();
		}
		try (spring) {
			DatabaseStatus status = new StatusStore(spring.getBean(JdbcTemplate.class),
					MigrationJobConfiguration.JOB_NAME).read();
			if (json) {
				context.out().println(StatusJson.of(status));
			}
			else {
				StatusText.print(status, context.out());
			}
			return ExitCodes.OK;
		}
	}
}
