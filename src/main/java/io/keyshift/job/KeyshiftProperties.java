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

	public KeyshiftProperties {
		if (chunkSize < 1 || chunkSize > 100_000) {
			throw new IllegalArgumentException("keyshift.chunk-size (KEYSHIFT_CHUNK_SIZE) takes 1 to 100000 users per"
					+ " transaction, not " + chunkSize);
		}
		if (threads < 0 || threads > 256) {
			throw new IllegalArgumentException("keyshift.threads (KEYSHIFT_THREADS) takes 1 to 256, or 0 for one per"
					+ " core, not " + threads);
		}
	}

	/** The smallest limit of {@code maxRate} other than 0: one user every 100 s (smaller ones wait days between chunks). */
	public static final double MIN_RATE = 0.01;

	/**
	 * What is wrong with {@code maxRate}, however it was given ({@code --max-rate},
	 * {@code KEYSHIFT_MAX_RATE}, {@code --keyshift.max-rate=}, a configuration file); null when it is usable.
	 */
	public String maxRateProblem() {
		if (maxRate == null || maxRate == 0) {
			return null;
		}
		if (!Double.isFinite(maxRate)) {
			return "keyshift.max-rate (KEYSHIFT_MAX_RATE, --max-rate) takes a number of users per second, 0 (no limit)"
					+ " or more, not " + maxRate;
		}
		String given = java.math.BigDecimal.valueOf(maxRate).stripTrailingZeros().toPlainString();
		if (maxRate < 0 || maxRate > 100_000_000) {
			return "keyshift.max-rate (KEYSHIFT_MAX_RATE, --max-rate) takes a number of users per second, 0 (no limit)"
					+ " or more, not " + given;
		}
		if (maxRate < MIN_RATE) {
			return "keyshift.max-rate (KEYSHIFT_MAX_RATE, --max-rate) takes at least 0.01 users per second (one user"
					+ " every 100 s), or 0 for no limit, not " + given;
		}
		return null;
	}

	/** The number of parallel partitions this process uses. */
	public int effectiveThreads() {
		return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
	}
}
