package io.keyshift.job;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;

class UserRangePartitionerTests {

	@Test
	void cutsAtTheBoundariesSoEveryUserIdFallsInExactlyOneRange() {
		Map<String, ExecutionContext> partitions = new UserRangePartitioner(parts -> List.of(100L, 250L)).partition(3);
		assertThat(partitions).containsOnlyKeys("partition0", "partition1", "partition2");
		assertThat(range(partitions.get("partition0"))).containsExactly(0L, 100L);
		assertThat(range(partitions.get("partition1"))).containsExactly(100L, 250L);
		assertThat(range(partitions.get("partition2"))).containsExactly(250L, Long.MAX_VALUE);
	}

	@Test
	void aRunWithFewUsersIsOnePartitionCoveringEverything() {
		Map<String, ExecutionContext> partitions = new UserRangePartitioner(parts -> List.of()).partition(8);
		assertThat(partitions).containsOnlyKeys("partition0");
		assertThat(range(partitions.get("partition0"))).containsExactly(0L, Long.MAX_VALUE);
	}

	@Test
	void asksForAsManyRangesAsTheGridHas() {
		int[] asked = new int[1];
		new UserRangePartitioner(parts -> {
			asked[0] = parts;
			return List.of();
		}).partition(8);
		assertThat(asked[0]).isEqualTo(8);
	}

	private static List<Long> range(ExecutionContext context) {
		return List.of(context.getLong(UserRangePartitioner.FROM), context.getLong(UserRangePartitioner.TO));
	}
}
