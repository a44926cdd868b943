package io.keyshift.input;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Reads every file of an export row by row, checks each row, and hands valid rows, rejected rows
 * and per-file counts to a {@link StagingSink}. One idea: reading and checking, no decisions.
 */
public final class ExportReader {

	/** How often (in rows) the reader says how far it is. */
	private static final int REPORT_EVERY = 8192;

	private final StagingSink sink;

	private final LongConsumer bytesDone;

	private long bytesBefore;

	public ExportReader(StagingSink sink) {
		this(sink, bytes -> {
		});
	}

	/** @param bytesDone told now and then how many bytes of the export's files are read so far */
	public ExportReader(StagingSink sink, LongConsumer bytesDone) {
		this.sink = sink;
		this.bytesDone = bytesDone;
	}

	public void read(Export export) {
		for (InputFile file : InputFile.values()) {
			Path path = export.files().get(file);
			if (path != null) {
				read(file, path);
			}
		}
	}

	private void read(InputFile file, Path path) {
		long read = 0;
		long rejected = 0;
		try (CsvRecordReader reader = new CsvRecordReader(path)) {
			CsvRow headerRow = reader.next();
			Header header = Header.check(file, headerRow.fields());
			while (true) {
				CsvRow row;
				try {
					row = reader.next();
				}
				catch (CsvRecordReader.RowProblemAtLine ex) {
					read++;
					rejected++;
					sink.reject(new Reject(file.fileName(), ex.line(), ex.problem().category(), ex.problem().detail(),
							MaskedRecord.MASK));
					continue;
				}
				if (row == null) {
					bytesBefore += reader.bytesRead();
					bytesDone.accept(bytesBefore);
					break;
				}
				read++;
				if (read % REPORT_EVERY == 0) {
					bytesDone.accept(bytesBefore + reader.bytesRead());
				}
				try {
					accept(file, header, row);
				}
				catch (RowProblem problem) {
					rejected++;
					sink.reject(new Reject(file.fileName(), row.line(), problem.category(), problem.detail(),
							MaskedRecord.of(file, header, row.fields())));
					if (file == InputFile.MEMBERSHIPS) {
						long[] pair = MembershipRow.pairOf(header, row);
						if (pair != null) {
							sink.rejectedMembership(row.line(), pair[0], pair[1]);
						}
					}
				}
			}
		}
		catch (CsvRecordReader.RowProblemAtLine ex) {
			throw new InputProblem(file.fileName() + " line 1: header row cannot be parsed");
		}
		catch (IOException ex) {
			throw CsvRecordReader.unreadable(file.fileName(), ex);
		}
		sink.fileRead(file, read, rejected);
	}

	private void accept(InputFile file, Header header, CsvRow row) throws RowProblem {
		switch (file) {
			case ACCOUNTS -> sink.account(AccountRow.parse(header, row));
			case LEGACY_KEYS -> sink.legacyKey(LegacyKeyRow.parse(header, row));
			case MEMBERSHIPS -> sink.membership(MembershipRow.parse(header, row));
			case USAGE -> sink.usage(UsageRow.parse(header, row));
		}
	}
}
