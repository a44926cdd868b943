package io.keyshift.remote;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The remote partitioning settings ({@code keyshift.remote.*}); the broker's own are Spring Boot's
 * {@code spring.rabbitmq.*}.
 *
 * @param role {@code manager} (migrate --remote) or {@code worker} (keyshift worker); set by the command line
 * @param queue the durable queue of partition requests; its dead letters go to {@code <queue>.dlq}
 * @param workerTimeout a worker that has not beaten for this long is gone, and its partition is
 * handed to another worker
 * @param heartbeat how often a worker beats (well under the timeout)
 * @param pollInterval how often the manager reads the partitions' state in the job repository
 * @param deliveryKeyFile the worker's delivery key (set by {@code worker --delivery-key-file})
 */
@ConfigurationProperties("keyshift.remote")
public record RemoteSettings(String role, @DefaultValue("keyshift.partitions") String queue,
		@DefaultValue("30s") Duration workerTimeout, @DefaultValue("5s") Duration heartbeat,
		@DefaultValue("1s") Duration pollInterval, String deliveryKeyFile) {

	public String deadLetterQueue() {
		return queue + ".dlq";
	}
}
