package io.inmesh.controlplane.internal;

/** A request the control plane cannot serve as sent: answered {@code 400} (or {@code status}) with the message. */
public final class BadRequest extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BadRequest(String message) {
        this(400, message);
    }

    public BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }
}
