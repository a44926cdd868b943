package io.keyshift.token;

/**
 * The delivery key cannot be used. The message names the file and the problem for the operator,
 * never any of the file's content, and there is deliberately no cause: the underlying exceptions'
 * messages can quote the input (the base64 decoder names the offending character).
 */
public class InvalidDeliveryKeyException extends RuntimeException {

	public InvalidDeliveryKeyException(String message) {
		super(message);
	}
}
