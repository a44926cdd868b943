package io.keyshift.token;

/** The delivery key file cannot be used. The message names the file and the problem, never its content. */
public class InvalidDeliveryKeyException extends RuntimeException {

	public InvalidDeliveryKeyException(String message) {
		super(message);
	}
}
