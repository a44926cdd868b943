package io.keyshift.job;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;

import io.keyshift.migration.Advice;
import io.keyshift.migration.Decider;
import io.keyshift.migration.UserCase;
import io.keyshift.store.H2Commits;
import io.keyshift.store.MigratedUser;
import io.keyshift.store.MigrationStore;
import io.keyshift.store.ReportStore;
import io.keyshift.store.RunKeyStore;
import io.keyshift.store.StagingStore;
import io.keyshift.store.UserCaseSource;
import io.keyshift.store.ValveStore;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.TokenMinter;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The migration job, wired: load the export, migrate user by user in chunks (partitioned), write
 * the report. Only wiring lives here; the rules are in {@code migration}, the SQL in {@code store}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KeyshiftProperties.class)
public class MigrationJobConfiguration {

	public static final String JOB_NAME = "keyshift-migration";

	/** Ranges the migrate step cuts a run into, at least: a resumed run keeps the first run's ranges. */
	static final int PARTITIONS = 8;

	private static final String RUN_ID = "#{stepExecution.jobExecution.jobInstance.instanceId}";

	@Bean
	static PoolSizing poolSizing(Environment environment) {
		int threads = Binder.get(environment).bind("keyshift.threads", Integer.class).orElse(0);
		return new PoolSizing(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
	}

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	StopSignal stopSignal() {
		return new StopSignal();
	}

	@Bean
	Job migrationJob(JobRepository jobRepository, Step loadStep, Step checkStep, Step migrateStep, Step reportStep) {
		return new JobBuilder(JOB_NAME, jobRepository).start(loadStep)
			.next(checkStep)
			.next(migrateStep)
			.next(reportStep)
			.build();
	}

	@Bean
	Step loadStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			LoadTasklet loadTasklet) {
		return new StepBuilder("load", jobRepository).tasklet(loadTasklet, transactionManager)
			.allowStartIfComplete(true)
			.build();
	}

	@Bean
	@StepScope
	LoadTasklet loadTasklet(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, StopSignal stop,
			KeyshiftProperties properties,
			@Value("#{jobParameters['" + RunParameters.INPUT + "']}") String input, @Value(RUN_ID) long runId,
			@Value("#{jobParameters['" + RunParameters.DRY_RUN + "']}") String dryRun,
			@Value("#{jobParameters['" + RunParameters.ACCEPT_UNATTRIBUTED_ROWS + "']}") String acceptUnattributed) {
		// each batch of staged rows commits on its own, outside the step's transaction
		TransactionTemplate eachBatch = new TransactionTemplate(transactionManager);
		eachBatch.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		return new LoadTasklet(Path.of(input), new StagingStore(jdbc, eachBatch, runId), stop,
				properties.progressInterval(),
				!Boolean.parseBoolean(dryRun) && !Boolean.parseBoolean(acceptUnattributed));
	}

	/**
	 * The revocation safety valve (SPEC §3.2): before the migrate step writes anything, count what the
	 * run would revoke; a real run over {@code --max-revocations} stops here.
	 */
	@Bean
	Step checkStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			RevocationValve revocationValve) {
		return new StepBuilder("check", jobRepository).tasklet(revocationValve, transactionManager).build();
	}

	@Bean
	@StepScope
	RevocationValve revocationValve(JdbcTemplate jdbc, KeyshiftProperties properties, @Value(RUN_ID) long runId,
			@Value("#{jobParameters['" + RunParameters.DRY_RUN + "']}") String dryRun,
			@Value("#{jobParameters['" + RunParameters.REVOKE_LEGACY_KEYS + "']}") String revoke,
			@Value("${keyshift.max-revocations:}") String maxRevocations) {
		boolean rehearsal = Boolean.parseBoolean(dryRun);
		return new RevocationValve(new UserCaseSource(jdbc, runId), new ValveStore(jdbc, runId),
				new Decider(rehearsal, Boolean.parseBoolean(revoke)), rehearsal,
				maxRevocations.isBlank() ? null : Long.valueOf(maxRevocations), properties.chunkSize(),
				properties.effectiveThreads());
	}

	/**
	 * The migrate step: the run's users cut into {@value #PARTITIONS} (or {@code --threads}, if more)
	 * ranges of user ids, decided by {@code --threads} workers at a time. Each range is a step of its
	 * own with its own restart position.
	 */
	@Bean
	@ConditionalOnExpression("'${keyshift.remote.role:}' != 'manager'")
	Step migrateStep(JobRepository jobRepository, Step migrateUsersStep, UserRangePartitioner userRangePartitioner,
			ThreadPoolTaskExecutor migrateExecutor, KeyshiftProperties properties, MigrateProgressListener progress,
			DeliveryKeyRecorder deliveryKeyRecorder, Throttle throttle) {
		return new StepBuilder("migrate", jobRepository).partitioner("migrate", userRangePartitioner)
			.step(migrateUsersStep)
			.gridSize(Math.max(PARTITIONS, properties.effectiveThreads()))
			.taskExecutor(migrateExecutor)
			.listener(deliveryKeyRecorder)
			.listener(progress)
			.listener(throttle)
			.build();
	}

	@Bean
	DeliveryKeyRecorder deliveryKeyRecorder(RunKeyStore runKeyStore, Clock clock) {
		return new DeliveryKeyRecorder(runKeyStore, clock);
	}

	@Bean
	RunKeyStore runKeyStore(JdbcTemplate jdbc) {
		return new RunKeyStore(jdbc);
	}

	@Bean
	Step migrateUsersStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			KeyshiftProperties properties, UserCaseReader userCaseReader, MigrateProcessor migrateProcessor,
			MigrateWriter migrateWriter, Throttle throttle) {
		return new StepBuilder("migrate", jobRepository)
			.<UserCase, MigratedUser>chunk(properties.chunkSize())
			.transactionManager(transactionManager)
			.interruptionPolicy(throttle)
			.reader(userCaseReader)
			.processor(migrateProcessor)
			.writer(migrateWriter)
			.build();
	}

	/**
	 * The migrate step's workers: {@code --threads} of them on PostgreSQL; one on embedded H2, whose
	 * store survives a kill whole only while one connection writes at a time (see {@link H2Commits}):
	 * with two, a kill -9 once left one chunk's token changes rolled back and its decisions kept.
	 */
	@Bean
	ThreadPoolTaskExecutor migrateExecutor(KeyshiftProperties properties, Environment environment) {
		// from the URL, not a connection: commands that never touch the database build this bean too
		String url = environment.getProperty("spring.datasource.url", "");
		int workers = url.regionMatches(true, 0, "jdbc:h2:", 0, 8) ? 1 : properties.effectiveThreads();
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(workers);
		executor.setMaxPoolSize(workers);
		executor.setThreadNamePrefix("migrate-");
		executor.setDaemon(true);
		return executor;
	}

	@Bean
	Progress migrateProgress(KeyshiftProperties properties) {
		return new Progress("migrate: users", properties.progressInterval());
	}

	/** Stop requests, the pause file and the rate limit, checked by every migrate worker between chunks. */
	@Bean
	Throttle throttle(StopSignal stop, Progress migrateProgress, JdbcTemplate jdbc) {
		return new Throttle(stop, migrateProgress, new io.keyshift.store.PauseStore(jdbc));
	}

	@Bean
	MigrateProgressListener migrateProgressListener(JdbcTemplate jdbc, Progress migrateProgress) {
		return new MigrateProgressListener(jdbc, migrateProgress);
	}

	@Bean
	@StepScope
	UserRangePartitioner userRangePartitioner(UserCaseSource userCaseSource) {
		return new UserRangePartitioner(userCaseSource::boundaries);
	}

	@Bean
	@StepScope
	UserCaseSource userCaseSource(JdbcTemplate jdbc, @Value(RUN_ID) long runId) {
		return new UserCaseSource(jdbc, runId);
	}

	@Bean
	@StepScope
	UserCaseReader userCaseReader(UserCaseSource userCaseSource, KeyshiftProperties properties,
			@Value("#{stepExecutionContext['" + UserRangePartitioner.FROM + "']}") Long from,
			@Value("#{stepExecutionContext['" + UserRangePartitioner.TO + "']}") Long to) {
		return new UserCaseReader(userCaseSource, properties.chunkSize(), from == null ? 0L : from,
				to == null ? Long.MAX_VALUE : to);
	}

	@Bean
	@StepScope
	MigrateProcessor migrateProcessor(KeyshiftProperties properties,
			@Value("#{jobParameters['" + RunParameters.DRY_RUN + "']}") String dryRun,
			@Value("#{jobParameters['" + RunParameters.REVOKE_LEGACY_KEYS + "']}") String revoke,
			@Value("#{jobParameters['" + RunParameters.DELIVERY_KEY_FILE + "']}") String deliveryKeyFile,
			@Value("${keyshift.remote.delivery-key-file:}") String workersKeyFile) {
		boolean rehearsal = Boolean.parseBoolean(dryRun);
		Decider decider = new Decider(rehearsal, Boolean.parseBoolean(revoke));
		Advice advice = new Advice(properties.automationClients());
		if (rehearsal) {
			return new MigrateProcessor(decider, advice, null, null);
		}
		SecureRandom random = new SecureRandom();
		// a worker seals with its own copy of the key: the manager's path means nothing on its host
		Path keyFile = Path.of(workersKeyFile.isBlank() ? deliveryKeyFile : workersKeyFile);
		DeliveryCipher cipher = new DeliveryCipher(DeliveryKey.load(keyFile), random);
		return new MigrateProcessor(decider, advice, new TokenMinter(random), cipher);
	}

	@Bean
	@StepScope
	MigrateWriter migrateWriter(MigrationStore store, Progress migrateProgress, Throttle throttle, Clock clock,
			@Value(RUN_ID) long runId, @Value("#{jobParameters['" + RunParameters.DRY_RUN + "']}") String dryRun) {
		return new MigrateWriter(store, runId, Boolean.parseBoolean(dryRun), clock, migrateProgress,
				throttle);
	}

	@Bean
	MigrationStore migrationStore(JdbcTemplate jdbc) {
		return new MigrationStore(jdbc);
	}

	@Bean
	ReportStore reportStore(JdbcTemplate jdbc) {
		return new ReportStore(jdbc);
	}

	@Bean
	Step reportStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
			ReportTasklet reportTasklet) {
		return new StepBuilder("report", jobRepository).tasklet(reportTasklet, transactionManager).build();
	}

	@Bean
	@StepScope
	ReportTasklet reportTasklet(ReportStore store, Clock clock, PlatformTransactionManager transactionManager,
			@Value(RUN_ID) long runId,
			@Value("#{jobParameters['" + RunParameters.INPUT + "']}") String input,
			@Value("#{jobParameters['" + RunParameters.REPORT_DIR + "']}") String reportDir,
			@Value("#{jobParameters['" + RunParameters.DRY_RUN + "']}") String dryRun,
			@Value("#{jobParameters['" + RunParameters.REVOKE_LEGACY_KEYS + "']}") String revoke) {
		TransactionTemplate ownTransaction = new TransactionTemplate(transactionManager);
		ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		return new ReportTasklet(store, reportDir, ownTransaction, runId, Boolean.parseBoolean(dryRun),
				Boolean.parseBoolean(revoke), input, clock);
	}
}
