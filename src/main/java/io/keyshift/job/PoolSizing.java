package io.keyshift.job;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Makes the connection pool big enough for the migrate step's workers: one connection each, plus
 * the run lock's, the step's own and one spare. A pool configured larger is left alone.
 */
public class PoolSizing implements BeanPostProcessor {

	private final int threads;

	public PoolSizing(int threads) {
		this.threads = threads;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource pool && pool.getMaximumPoolSize() < threads + 3) {
			pool.setMaximumPoolSize(threads + 3);
		}
		return bean;
	}
}
