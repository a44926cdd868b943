package io.keyshift.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.keyshift.migration.UserCase;
import io.keyshift.remote.BrokerConnectionWatch;
import io.keyshift.remote.ClaimedWriter;
import io.keyshift.remote.PartitionHandOver;
import io.keyshift.remote.PartitionRequests;
import io.keyshift.remote.PartitionWatch;
import io.keyshift.remote.RemoteSettings;
import io.keyshift.remote.RepositoryHandOverStore;
import io.keyshift.remote.RequestFailureLog;
import io.keyshift.remote.WorkerLoop;
import io.keyshift.remote.WorkerRefusal;
import io.keyshift.remote.WorkerRegistry;
import io.keyshift.remote.WorkerStop;
import io.keyshift.store.MigratedUser;
import io.keyshift.store.MigrationStore;
import io.keyshift.store.RunKeyStore;
import io.keyshift.store.UserCaseSource;
import io.keyshift.token.DeliveryKey;

import org.springframework.amqp.ImmediateRequeueAmqpException;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.support.converter.SimpleMessageConverter;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.integration.config.annotation.EnableBatchIntegration;
import org.springframework.batch.integration.partition.RemotePartitioningManagerStepBuilderFactory;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.channel.DirectChannel;
import org.springframework.integration.core.MessagingTemplate;
import org.springframework.integration.dsl.IntegrationFlow;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The migrate step across hosts (Spring Batch remote partitioning over RabbitMQ), switched on by
 * {@code keyshift.remote.role}: {@code manager} ({@code migrate --remote}) replaces the local
 * migrate step by one that sends each partition's request (its step execution id, nothing else) to
 * the queue and polls the job repository until every partition has ended; {@code worker}
 * ({@code keyshift worker}) consumes the queue and runs the partitions. Without the property none
 * of this exists and nothing connects to a broker.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("keyshift.remote.role")
@EnableConfigurationProperties(RemoteSettings.class)
@EnableBatchIntegration
public class RemotePartitioningConfiguration {

	/** The one payload a partition request may carry, and what it is made of. */
	static final List<String> ALLOWED_CLASSES = List.of(StepExecutionRequest.class.getName(), "java.lang.Long",
			"java.lang.Number", "java.lang.String");

	@Bean
	Queue partitionQueue(RemoteSettings settings) {
		return QueueBuilder.durable(settings.queue())
			.deadLetterExchange("")
			.deadLetterRoutingKey(settings.deadLetterQueue())
			.build();
	}

	@Bean
	Queue partitionDeadLetterQueue(RemoteSettings settings) {
		return QueueBuilder.durable(settings.deadLetterQueue()).build();
	}

	/** Java serialization, refusing every class but a partition request's. */
	@Bean
	SimpleMessageConverter partitionRequestConverter() {
		SimpleMessageConverter converter = new SimpleMessageConverter();
		converter.setAllowedListPatterns(ALLOWED_CLASSES);
		return converter;
	}

	@Bean
	WorkerRegistry workerRegistry(JdbcTemplate jdbc, RemoteSettings settings) {
		return new WorkerRegistry(jdbc, settings.workerTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "keyshift.remote.role", havingValue = "manager")
	static class Manager {

		@Bean
		DirectChannel partitionRequests() {
			return new DirectChannel();
		}

		@Bean
		IntegrationFlow partitionRequestsToBroker(DirectChannel partitionRequests, ConnectionFactory connectionFactory,
				SimpleMessageConverter partitionRequestConverter, RemoteSettings settings) {
			RabbitTemplate template = new RabbitTemplate(connectionFactory);
			template.setMessageConverter(partitionRequestConverter);
			return IntegrationFlow.from(partitionRequests)
				.handle(Amqp.outboundAdapter(template).routingKey(settings.queue()))
				.get();
		}

		@Bean
		Step migrateStep(RemotePartitioningManagerStepBuilderFactory steps, UserRangePartitioner userRangePartitioner,
				KeyshiftProperties properties, RemoteSettings settings, MigrateProgressListener progress,
				DeliveryKeyRecorder deliveryKeyRecorder, PartitionWatch partitionWatch, DirectChannel partitionRequests) {
			return steps.get("migrate")
				.partitioner("migrate", userRangePartitioner)
				.gridSize(Math.max(MigrationJobConfiguration.PARTITIONS, properties.effectiveThreads()))
				.outputChannel(partitionRequests)
				.pollInterval(settings.pollInterval().toMillis())
				.listener(deliveryKeyRecorder)
				.listener(progress)
				.listener(partitionWatch)
				.build();
		}

		@Bean
		PartitionWatch partitionWatch(JobRepository jobRepository, WorkerRegistry workerRegistry, StopSignal stop,
				RemoteSettings settings, KeyshiftProperties properties, JdbcTemplate jdbc, Progress migrateProgress,
				DirectChannel partitionRequests, PlatformTransactionManager transactionManager, AmqpAdmin amqpAdmin) {
			MessagingTemplate requests = new MessagingTemplate(partitionRequests);
			PartitionHandOver handOver = new PartitionHandOver(new RepositoryHandOverStore(jobRepository, workerRegistry,
					new TransactionTemplate(transactionManager), id -> requests
						.send(MessageBuilder.withPayload(new StepExecutionRequest("migrate", id)).build())));
			PartitionWatch.Partitions partitions = new PartitionWatch.Partitions() {
				@Override
				public List<Long> unended(long jobExecutionId) {
					return jobRepository.getJobExecution(jobExecutionId)
						.getStepExecutions()
						.stream()
						.filter(step -> step.getStepName().contains(":partition") && step.getStatus().isRunning())
						.map(StepExecution::getId)
						.toList();
				}

				@Override
				public void markRunStopping(long jobExecutionId) {
					JobExecution current = jobRepository.getJobExecution(jobExecutionId);
					current.setStatus(BatchStatus.STOPPING);
					jobRepository.update(current);
				}
			};
			return new PartitionWatch(partitions, workerRegistry, handOver, stop::requested, settings.pollInterval(),
					properties.progressInterval(), settings.workerTimeout(), () -> readyRequests(amqpAdmin, settings.queue()),
					settings.queue(), System.out,
					runId -> migrateProgress.advanceTo(new UserCaseSource(jdbc, runId).countDecided()), System::nanoTime);
		}
	}

	/** Requests ready in the queue (waiting for a worker), or -1 when the broker cannot say. */
	static long readyRequests(AmqpAdmin amqpAdmin, String queue) {
		try {
			QueueInformation info = amqpAdmin.getQueueInfo(queue);
			return info == null ? -1 : info.getMessageCount();
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "keyshift.remote.role", havingValue = "worker")
	static class Worker {

		@Bean
		WorkerRegistry.Worker thisWorker() {
			return WorkerRegistry.Worker.ofThisProcess();
		}

		@Bean
		WorkerRefusal workerRefusal() {
			return new WorkerRefusal();
		}

		@Bean
		WorkerStop workerStop(StopSignal stop, JdbcTemplate jdbc) {
			return new WorkerStop(stop::requested, jobExecutionId -> jdbc.queryForObject(
					"select status from batch_job_execution where job_execution_id = ?", String.class, jobExecutionId));
		}

		/** The partitions' step on a worker: the local one's reader and processor, its writer behind the claim. */
		@Bean
		Step remoteMigrateUsersStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
				KeyshiftProperties properties, UserCaseReader userCaseReader, MigrateProcessor migrateProcessor,
				ClaimedWriter<MigratedUser> claimedWriter, WorkerStop workerStop) {
			return new StepBuilder("migrate", jobRepository).<UserCase, MigratedUser>chunk(properties.chunkSize())
				.transactionManager(transactionManager)
				.interruptionPolicy(workerStop)
				.reader(userCaseReader)
				.processor(migrateProcessor)
				.writer(claimedWriter)
				.listener(workerStop)
				.build();
		}

		@Bean
		@StepScope
		ClaimedWriter<MigratedUser> claimedWriter(MigrationStore migrationStore, Clock clock,
				WorkerRegistry workerRegistry, JdbcTemplate jdbc, WorkerRegistry.Worker thisWorker,
				@Value("#{stepExecution.id}") long stepExecutionId,
				@Value("#{stepExecution.jobExecutionId}") long jobExecutionId,
				@Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long runId,
				@Value("#{jobParameters['" + RunParameters.DRY_RUN + "']}") String dryRun) {
			// the run's progress is the manager's to print (it counts the decisions); a worker says
			// when each partition starts and ends
			Progress silent = new Progress("worker: users", Duration.ofDays(365));
			// --max-rate and --pause-file are the local run's: a worker is not throttled (an unconfigured Throttle)
			MigrateWriter writer = new MigrateWriter(migrationStore, runId, Boolean.parseBoolean(dryRun), clock, silent,
					new Throttle(new StopSignal(), silent));
			return new ClaimedWriter<>(writer, workerRegistry, jdbc, thisWorker.id(), stepExecutionId, jobExecutionId);
		}

		@Bean
		PartitionRequests partitionRequestHandler(JobRepository jobRepository, Step remoteMigrateUsersStep,
				WorkerRegistry workerRegistry, WorkerRegistry.Worker thisWorker, RunKeyStore runKeyStore,
				RemoteSettings settings, WorkerRefusal workerRefusal) {
			StepExecutionRequestHandler handler = new StepExecutionRequestHandler();
			handler.setJobRepository(jobRepository);
			handler.setStepLocator(name -> "migrate".equals(name) ? remoteMigrateUsersStep : null);
			String keyId = DeliveryKey.load(Path.of(settings.deliveryKeyFile())).id();
			return new PartitionRequests(jobRepository::getStepExecution, handler::handle,
					new PartitionRequests.Claims() {
						@Override
						public boolean claim(long stepExecutionId) {
							return workerRegistry.claim(stepExecutionId, thisWorker.id());
						}

						@Override
						public boolean holds(long stepExecutionId) {
							return workerRegistry.holder(stepExecutionId).equals(thisWorker.id());
						}
					}, runId -> {
				String recorded = runKeyStore.keyIdOf(runId);
				return recorded == null || recorded.equals(keyId) ? null
						: "run " + runId + " seals its tokens under delivery key " + recorded + ", but this worker's"
								+ " key (" + settings.deliveryKeyFile() + ") is " + keyId;
			}, workerRefusal::refuse, ImmediateRequeueAmqpException::new);
		}

		@Bean
		SimpleMessageListenerContainer partitionListener(ConnectionFactory connectionFactory, RemoteSettings settings,
				KeyshiftProperties properties) {
			SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
			container.setQueueNames(settings.queue());
			container.setPrefetchCount(1);
			container.setConcurrentConsumers(properties.effectiveThreads());
			// a request that cannot be handled goes to the dead-letter queue, not round and round
			container.setDefaultRequeueRejected(false);
			// on SIGTERM the running partitions stop at their next chunk boundary: wait for that
			container.setShutdownTimeout(Duration.ofMinutes(10).toMillis());
			container.setAutoStartup(false);
			// one keyshift line for a request that failed, and for a lost broker connection
			container.setErrorHandler(new RequestFailureLog(settings.deadLetterQueue()));
			connectionFactory.addConnectionListener(
					new BrokerConnectionWatch(connectionFactory.getHost() + ":" + connectionFactory.getPort()));
			return container;
		}

		@Bean
		WorkerLoop workerLoop(WorkerRegistry workerRegistry, WorkerRegistry.Worker thisWorker, RemoteSettings settings,
				ConnectionFactory connectionFactory, BeanFactory beanFactory, WorkerRefusal workerRefusal) {
			// the inbound adapter is registered by its flow; looked up when the loop starts or stops it
			Lifecycle inbound = new Lifecycle() {
				@Override
				public void start() {
					beanFactory.getBean("partitionInbound", Lifecycle.class).start();
				}

				@Override
				public void stop() {
					beanFactory.getBean("partitionInbound", Lifecycle.class).stop();
				}

				@Override
				public boolean isRunning() {
					return beanFactory.getBean("partitionInbound", Lifecycle.class).isRunning();
				}
			};
			return new WorkerLoop(workerRegistry, thisWorker, settings, connectionFactory, inbound, workerRefusal);
		}

		@Bean
		IntegrationFlow partitionRequestsFromBroker(SimpleMessageListenerContainer partitionListener,
				SimpleMessageConverter partitionRequestConverter, PartitionRequests partitionRequestHandler) {
			return IntegrationFlow
				.from(Amqp.inboundAdapter(partitionListener)
					.messageConverter(partitionRequestConverter)
					.id("partitionInbound")
					.autoStartup(false))
				.handle(partitionRequestHandler, "handle")
				.get();
		}
	}
}
