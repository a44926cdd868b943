package io.keyshift.notify;

import java.time.Clock;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.store.NotificationStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Spring wiring of {@code keyshift deliver}. The mail sender is optional: Spring Boot makes one
 * only when {@code spring.mail.host} is set, and only a real delivery needs it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MailSettings.class)
public class DeliveryConfiguration {

	@Bean
	NotificationStore notificationStore(JdbcTemplate jdbc) {
		return new NotificationStore(jdbc);
	}

	@Bean
	DeliveryCommand deliveryCommand(NotificationStore store, ObjectProvider<JavaMailSender> mailSender,
			PlatformTransactionManager transactionManager, MailSettings settings, ObjectProvider<Clock> clock,
			DataSource dataSource) {
		return new DeliveryCommand(store, mailSender::getIfAvailable, transactionManager, settings,
				clock.getIfAvailable(Clock::systemUTC), connections -> poolAtLeast(dataSource, connections));
	}

	/**
	 * Each sender holds a database connection while it claims and marks, and the reader one while it
	 * reads a page: the pool (4 by default, for migrate) grows to fit, for deliver only.
	 */
	static void poolAtLeast(DataSource dataSource, int connections) {
		if (dataSource instanceof HikariDataSource hikari && hikari.getMaximumPoolSize() < connections) {
			if (hikari.isRunning()) {
				hikari.getHikariConfigMXBean().setMaximumPoolSize(connections);
			}
			else {
				hikari.setMaximumPoolSize(connections);
			}
		}
	}
}
