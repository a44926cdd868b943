package io.keyshift.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Cuts a run's users into ranges of user ids holding about the same number of users, one partition
 * each: {@code from < user_id <= to}. Each partition keeps its own restart position, so a resumed
 * run continues every range where its last commit left it.
 */
public class UserRangePartitioner implements Partitioner {

	static final String FROM = "users.from";

	static final String TO = "users.to";

	private final IntFunction<List<Long>> boundaries;

	/** @param boundaries the last user id of each range but the last, for a number of ranges */
	public UserRangePartitioner(IntFunction<List<Long>> boundaries) {
		this.boundaries = boundaries;
	}

	@Override
	public Map<String, ExecutionContext> partition(int gridSize) {
		List<Long> cuts = boundaries.apply(gridSize);
		Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
		long from = 0;
		for (int i = 0; i <= cuts.size(); i++) {
			long to = i < cuts.size() ? cuts.get(i) : Long.MAX_VALUE;
			ExecutionContext context = new ExecutionContext();
			context.putLong(FROM, from);
			context.putLong(TO, to);
			partitions.put("partition" + i, context);
			from = to;
		}
		return partitions;
	}
}
