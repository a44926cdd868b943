package io.keyshift.input;

/**
 * Why one row is rejected. {@code category} groups rejects in the summary ("unknown plan");
 * {@code detail} is the whole reason shown in {@code rejects.csv}. Neither ever holds a secret.
 */
public class RowProblem extends Exception {

	private final String category;

	public RowProblem(String category, String detail) {
		super(detail, null, false, false);
		this.category = category;
	}

	public String category() {
		return category;
	}

	public String detail() {
		return getMessage();
	}
}
