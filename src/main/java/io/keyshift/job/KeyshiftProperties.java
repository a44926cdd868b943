package io.keyshift.job;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The product's own settings ({@code keyshift.*}).
 *
 * @param chunkSize users per transaction in the migrate step
 * @param progressInterval how often a long step prints its progress
 * @param threads partitions of the migrate step run in parallel; 0 (the default) for one per core
 * @param automationClients fragments of client names (lower case) that mark a caller as automation,
 * for the SERVICE_TOKEN_RECOMMENDED note
 * @param maxRate {@code --max-rate}: users per second across the migrate workers; null when not
 * given (a resumed run then keeps its last attempt's), 0 for no limit
 * @param pauseFile {@code --pause-file}: while this file exists the migrate workers wait; null when
 * not given (a resumed run then keeps its last attempt's), empty for none
 */
@ConfigurationProperties("keyshift")
public record KeyshiftProperties(@DefaultValue("1000") int chunkSize, @DefaultValue("10s") Duration progressInterval,
		@DefaultValue("0") int threads,
		@DefaultValue({ "terraform", "airflow", "github-actions", "gitlab-runner", "jenkins", "circleci", "buildkite",
				"python-requests", "python-urllib", "aiohttp", "httpx", "curl", "wget", "go-http-client", "okhttp",
				"apache-httpclient", "java-http-client", "axios", "node-fetch", "undici", "postman" }) List<String> automationClients,
		Double maxRate, String pauseFile) {

	/** The number of parallel partitions this process uses. */
	public int effectiveThreads() {
		return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
	}
}
