package io.inmesh.core.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the bearer token a control plane and its workloads share, kept in a file as Kubernetes mounts a secret. */
public final class BearerToken {

    private BearerToken() {
    }

    /**
     * The token: the file's content without surrounding white space (such as the final line break).
     *
     * @throws IllegalArgumentException naming the file, when it cannot be read, is empty, or the token
     *     holds spaces or control characters
     */
    public static String read(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e + ")", e);
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty (expected: the bearer token)");
        }
        if (token.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException(file + ": the token holds spaces or control characters"
                    + " (expected: one line of printable characters)");
        }
        return token;
    }
}
