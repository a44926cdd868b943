package io.keyshift.job;

import java.util.HashMap;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.SimpleMessageConverter;
import org.springframework.batch.integration.partition.StepExecutionRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker's messages are Java-serialized: the converter reads a partition request and nothing else. */
class PartitionRequestConverterTests {

	private final SimpleMessageConverter converter = new RemotePartitioningConfiguration().partitionRequestConverter();

	@Test
	void readsAPartitionRequestWhichCarriesTheStepNameAndTheStepExecutionIdOnly() {
		Message message = converter.toMessage(new StepExecutionRequest("migrate", 42L), new MessageProperties());
		Object read = converter.fromMessage(message);
		assertThat(read).isInstanceOf(StepExecutionRequest.class);
		assertThat(((StepExecutionRequest) read).getStepExecutionId()).isEqualTo(42L);
		assertThat(((StepExecutionRequest) read).getStepName()).isEqualTo("migrate");
		// the serialized form: the class, its two fields and their values, and nothing else
		assertThat(message.getBody().length).isLessThan(300);
	}

	@Test
	void refusesAnyOtherSerializedClass() {
		HashMap<String, String> other = new HashMap<>();
		other.put("a", "b");
		Message message = new SimpleMessageConverter().toMessage(other, new MessageProperties());
		// refused before the object is built: the listener rejects it, and it goes to the dead-letter queue
		assertThatThrownBy(() -> converter.fromMessage(message)).isInstanceOf(SecurityException.class)
			.hasMessageContaining("unauthorized class java.util.HashMap");
	}
}
