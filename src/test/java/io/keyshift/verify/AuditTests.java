package io.keyshift.verify;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AuditTests {

	@Test
	void listsTheFirstCasesAndCountsAllWithThousandsSeparators() {
		Audit audit = new Audit();
		for (int i = 0; i < 1_300; i++) {
			audit.accept(new Violation(Violation.DELIVERED_WITHOUT_PAYLOAD, "notification " + i));
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		audit.print(new PrintStream(out, true, StandardCharsets.UTF_8));
		String list = out.toString(StandardCharsets.UTF_8);
		assertThat(audit.total()).isEqualTo(1_300);
		assertThat(list).startsWith("broken: a delivered notification holds no payload (1,300)\n  notification 0\n")
			.contains("  notification " + (Audit.SHOWN - 1) + "\n")
			.doesNotContain("  notification " + Audit.SHOWN + "\n")
			.endsWith("  and 1,250 more\n");
	}
}
