package io.keyshift.job;

import java.time.Clock;
import java.time.OffsetDateTime;

import io.keyshift.store.MigratedUser;
import io.keyshift.store.MigrationStore;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/** Writes a chunk of decided users through {@link MigrationStore}, inside the chunk's transaction. */
public class MigrateWriter implements ItemWriter<MigratedUser> {

	private final MigrationStore store;

	private final long runId;

	private final boolean dryRun;

	private final Clock clock;

	private final Progress progress;

	private final Throttle throttle;

	public MigrateWriter(MigrationStore store, long runId, boolean dryRun, Clock clock, Progress progress,
			Throttle throttle) {
		this.store = store;
		this.runId = runId;
		this.dryRun = dryRun;
		this.clock = clock;
		this.progress = progress;
		this.throttle = throttle;
	}

	@Override
	public void write(Chunk<? extends MigratedUser> chunk) {
		store.write(runId, dryRun, OffsetDateTime.now(clock), java.util.List.copyOf(chunk.getItems()));
		progress.advance(chunk.size());
		throttle.used(chunk.size());
	}
}
