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
					Reject reject = new Reject(file.fileName(), ex.line(), ex.problem().category(),
							ex.problem().detail(), MaskedRecord.MASK);
					if (file == InputFile.MEMBERSHIPS) {
						sink.unattributed(unattributed(reject)); // the rest of the file, whoever's rows they were
					}
					else {
						sink.reject(reject);
					}
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
					rejected(file, header, row, new Reject(file.fileName(), row.line(), problem.category(),
							problem.detail(), MaskedRecord.of(file, header, row.fields())));
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

	/**
	 * A rejected row, and what it still tells (SPEC §2): a membership row counts against its user
	 * (and account, when both read as ids), or, when not even its user can be read, belongs to
	 * nobody; the id a rejected account or key row carries still makes that id repeated.
	 */
	private void rejected(InputFile file, Header header, CsvRow row, Reject reject) {
		switch (file) {
			case MEMBERSHIPS -> {
				Long user = Header.idAt(header, row, "user_id");
				if (user == null) {
					sink.unattributed(unattributed(reject));
					return;
				}
				sink.reject(reject);
				// SPEC §2: a row of the wrong width counts against its user only, never a pair
				Long account = row.fields().length == header.width() ? Header.idAt(header, row, "account_id") : null;
				sink.rejectedMembership(row.line(), user, account);
			}
			case ACCOUNTS, LEGACY_KEYS -> {
				sink.reject(reject);
				Long id = Header.idAt(header, row, file == InputFile.ACCOUNTS ? "account_id" : "key_id");
				if (id != null) {
					sink.rejectedId(file, row.line(), id);
				}
			}
			case USAGE -> sink.reject(reject);
		}
	}

	private static Reject unattributed(Reject reject) {
		return new Reject(reject.file(), reject.line(), reject.category(), reject.reason()
				+ "; no user_id can be read, so the row counts against nobody: a real run stops on it unless"
				+ " --accept-unattributed-rows", reject.record());
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
