package io.keyshift.claim;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The claim settings and store, for {@code deliver} (which issues links) and {@code serve}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClaimSettings.class)
public class ClaimConfiguration {

	@Bean
	ClaimStore claimStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		return new ClaimStore(jdbc, new TransactionTemplate(transactionManager));
	}
}
