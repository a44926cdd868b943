package io.keyshift;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KeyshiftApplication {

	public static void main(String[] args) {
		io.keyshift.cli.Cli.main(args);
	}
}
