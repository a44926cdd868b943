package io.keyshift.claim;

import java.security.SecureRandom;
import java.time.Clock;

import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Spring wiring of {@code keyshift serve} (only when {@code keyshift.serve.enabled}, which the serve
 * command sets): the claim rules with the delivery key the command read, CSRF values, rate limits
 * and the security headers of every response.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "keyshift.serve.enabled", havingValue = "true")
public class ServeConfiguration {

	/** The two per-client limits: page views, and claim attempts. */
	record Limits(RateLimiter views, RateLimiter attempts) {
	}

	@Bean
	ClaimService claimService(ClaimStore store, DeliveryKey deliveryKey, ClaimSettings settings,
			ObjectProvider<Clock> clock) {
		return new ClaimService(store, new DeliveryCipher(deliveryKey, new SecureRandom()), settings,
				clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	CsrfTokens csrfTokens() {
		return new CsrfTokens(new SecureRandom());
	}

	@Bean
	Limits claimLimits(ClaimSettings settings, ObjectProvider<Clock> clock) {
		Clock c = clock.getIfAvailable(Clock::systemUTC);
		return new Limits(new RateLimiter(settings.attemptsPerMinute() * 6, c),
				new RateLimiter(settings.attemptsPerMinute(), c));
	}

	@Bean
	FilterRegistrationBean<SecurityHeaders> securityHeaders() {
		FilterRegistrationBean<SecurityHeaders> registration = new FilterRegistrationBean<>(new SecurityHeaders());
		registration.addUrlPatterns("/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}
}
