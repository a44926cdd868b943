package io.keyshift.remote;

import java.io.EOFException;
import java.net.ConnectException;

import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.Connection;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/** A lost broker connection is one line, however often reconnecting fails, and its return another. */
@ExtendWith(OutputCaptureExtension.class)
class BrokerConnectionWatchTests {

	private static long lines(CapturedOutput output, String text) {
		return output.toString().lines().filter(l -> l.contains(text)).count();
	}

	@Test
	void aLostConnectionIsOneLineAndItsReturnAnother(CapturedOutput output) {
		BrokerConnectionWatch watch = new BrokerConnectionWatch("mq:5672");
		ShutdownSignalException lost = new ShutdownSignalException(true, false, null, "connection");
		lost.initCause(new EOFException("socket closed"));
		watch.onShutDown(lost);
		watch.onShutDown(lost);
		watch.onFailed(new ConnectException("Connection refused"));
		watch.onFailed(new ConnectException("Connection refused"));
		watch.onCreate(null);
		watch.onCreate(null);
		assertThat(lines(output, "worker: lost the connection to the broker at mq:5672 (EOFException: socket closed);"
				+ " reconnecting")).isEqualTo(1);
		assertThat(lines(output, "worker: connected to the broker at mq:5672 again")).isEqualTo(1);
		assertThat(lines(output, " WARN ")).as("the failed attempts are debug lines").isEqualTo(2);
	}

	@Test
	void aConnectionTheWorkerClosesItselfIsNotALoss(CapturedOutput output) {
		BrokerConnectionWatch watch = new BrokerConnectionWatch("mq:5672");
		watch.onShutDown(new ShutdownSignalException(true, true, null, "connection"));
		watch.onCreate(null);
		assertThat(lines(output, " WARN ")).isZero();
	}

	@Test
	void theLateReportOfASecondConnectionLostInTheSameOutageIsNotASecondLoss(CapturedOutput output) {
		// the worker holds two connections; the broker drops both; one report comes after the reconnect
		BrokerConnectionWatch watch = new BrokerConnectionWatch("mq:5672");
		Connection first = connection();
		Connection second = connection();
		watch.onCreate(first);
		watch.onCreate(second);
		watch.onShutDown(lostFrom(first));
		Connection third = connection();
		watch.onCreate(third);
		watch.onShutDown(lostFrom(second));
		assertThat(lines(output, "worker: lost the connection to the broker")).isEqualTo(1);
		assertThat(lines(output, "worker: connected to the broker at mq:5672 again")).isEqualTo(1);
		// a later outage of the new connection is told again
		watch.onShutDown(lostFrom(third));
		watch.onCreate(connection());
		assertThat(lines(output, "worker: lost the connection to the broker")).isEqualTo(2);
		assertThat(lines(output, "worker: connected to the broker at mq:5672 again")).isEqualTo(2);
	}

	private static Connection connection() {
		Connection connection = mock(Connection.class);
		given(connection.getDelegate()).willReturn(mock(com.rabbitmq.client.Connection.class));
		return connection;
	}

	private static ShutdownSignalException lostFrom(Connection connection) {
		ShutdownSignalException lost = new ShutdownSignalException(true, false, null, connection.getDelegate());
		lost.initCause(new EOFException("socket closed"));
		return lost;
	}
}
