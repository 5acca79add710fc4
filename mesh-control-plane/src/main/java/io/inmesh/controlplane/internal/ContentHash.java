package io.inmesh.controlplane.internal;

import io.inmesh.controlplane.RuleDocument;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** The content hash of a list of documents, as {@code docs/control-plane-protocol.md} defines it. */
public final class ContentHash {

    private ContentHash() {
    }

    /** SHA-256 over each document's length-prefixed origin, first line and length-prefixed text; lower-case hex. */
    public static String of(List<RuleDocument> documents) {
        MessageDigest digest = sha256();
        for (RuleDocument document : documents) {
            update(digest, document.origin());
            digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, document.firstLine()));
            update(digest, document.yaml());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        // The length prefix keeps ("ab", "c") and ("a", "bc") apart.
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(0, bytes.length));
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
