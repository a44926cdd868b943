package io.keyshift.cli;

import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.WebServerException;

import static org.assertj.core.api.Assertions.assertThat;

/** serve's web server that cannot start is told as such, not as a database problem. */
class WebServerProblemTests {

	@Test
	void aTakenPortIsNamed() {
		assertThat(Cli.webServerProblem(new IllegalStateException("refresh failed", new PortInUseException(18391))))
			.isEqualTo("cannot start: port 18391 is already in use (--port, server.port): stop what listens there or"
					+ " choose another port. Nothing was started.");
	}

	@Test
	void anotherWebServerFailureGivesItsCause() {
		assertThat(Cli.webServerProblem(new WebServerException("Unable to start embedded Tomcat",
				new java.net.BindException("Cannot assign requested address"))))
			.isEqualTo("cannot start: the web server could not start: Cannot assign requested address (server.address,"
					+ " --port). Nothing was started.");
	}

	@Test
	void otherFailuresAreNotTheWebServers() {
		assertThat(Cli.webServerProblem(new IllegalStateException("connection refused"))).isNull();
	}
}
