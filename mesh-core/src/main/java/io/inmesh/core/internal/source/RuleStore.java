package io.inmesh.core.internal.source;

import io.inmesh.core.config.Diagnostic;
import io.inmesh.core.config.MeshConfig;
import io.inmesh.core.config.SourceDocument;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.scheduler.Scheduler;

/**
 * The last good rules, kept in one file so that a mesh restarted while its config source is
 * unreachable starts with them.
 *
 * <p><b>The file.</b> Big-endian: the 8 bytes {@code INMESH\r\n} (the CR-LF catches a text-mode
 * copy), the format version (int, {@value #FORMAT}), the payload length (long), the payload, and
 * the SHA-256 of the payload (32 bytes). The payload is the rules' version string, the instant they
 * were taken (epoch seconds as a long, nanoseconds as an int), the number of documents (int) and
 * each document's source name and YAML text; every string is its UTF-8 length (int) and bytes.
 * Keeping the texts rather than a serialized model means the restored rules are read and validated
 * by the same code as fresh ones, and that a store written by an older inmesh stays readable.
 *
 * <p><b>Writing</b> ({@link #save}) goes to a new temporary file in the same directory, which is
 * forced to disk and then moved over the store atomically (a plain replacing move where the file
 * system cannot move atomically); the directory is forced too, so that the rename survives a crash.
 * A reader therefore sees the old file or the new one, never a mix.
 *
 * <p><b>Reading</b> ({@link #restore}) checks the magic, format version, length and checksum, then
 * reads and validates the documents with {@link MeshConfig#loadDocuments}. A file that is missing,
 * truncated, corrupted, foreign or no longer valid is ignored with one WARNING naming the file and
 * what was wrong (a missing file only at INFO); nothing here throws to the caller.
 *
 * <p>Blocking file IO and hashing: call {@link #save} and {@link #restore} off event loops, or use
 * {@link #saveLater}, which writes on the given scheduler. Thread-safe.
 */
public final class RuleStore {

    /** The format version this class writes and reads. */
    static final int FORMAT = 1;
    static final byte[] MAGIC = {'I', 'N', 'M', 'E', 'S', 'H', '\r', '\n'};
    /** Magic, format, payload length. */
    static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + Long.BYTES;
    static final int CHECKSUM_BYTES = 32;
    /** No configuration comes near this; a larger file is not ours. */
    static final long MAX_FILE_BYTES = 256L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(RuleStore.class.getName());

    private final Path file;
    private final AtomicReference<StoredRules> pending = new AtomicReference<>();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    /** Serializes writers: one temporary file at a time, and the latest save wins. */
    private final Object writeLock = new Object();
    /** Set by {@link #close()}: a drain scheduled before it writes nothing after it. */
    private volatile boolean closed;

    /**
     * Rules as they are kept: what a mesh needs to serve them again and to say how old they are.
     *
     * @param version the version string of the rules, as the mesh reported it
     * @param takenAt when the source delivered them
     * @param documents the YAML texts the rules were read from, in order, under their source names
     */
    public record StoredRules(String version, Instant takenAt, List<SourceDocument> documents) {
        public StoredRules {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(takenAt, "takenAt");
            documents = List.copyOf(documents);
        }
    }

    /**
     * Rules read back from the store, validated again.
     *
     * @param version their version string
     * @param takenAt when their source delivered them
     * @param config the validated configuration
     */
    public record RestoredRules(String version, Instant takenAt, MeshConfig config) {
    }

    /** A store in {@code file}; nothing is read or written until asked. */
    public RuleStore(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /** The store's file. */
    public Path file() {
        return file;
    }

    /**
     * Writes {@code rules} to the store, replacing what it held, atomically. Blocking.
     *
     * @return whether they were written; when not, a WARNING says why and the old file is untouched
     */
    public boolean save(StoredRules rules) {
        Objects.requireNonNull(rules, "rules");
        byte[] bytes;
        try {
            bytes = encode(rules);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not keep the last good rules (version " + rules.version() + ") in "
                    + file + ": cannot encode them: " + e);
            return false;
        }
        synchronized (writeLock) {
            if (closed) {
                return false; // the owner has closed the store and may be deleting the file
            }
            Path temporary = null;
            try {
                Path directory = file.getParent();
                Files.createDirectories(directory);
                temporary = Files.createTempFile(directory, file.getFileName() + ".", ".tmp");
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    channel.force(true);
                }
                try {
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
                }
                temporary = null;
                forceDirectory(directory);
                LOG.log(System.Logger.Level.DEBUG, () -> "kept the last good rules (version " + rules.version() + ") in " + file);
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "could not keep the last good rules (version " + rules.version() + ") in "
                        + file + ": " + e + "; a restart while the config source is unreachable starts without them");
                return false;
            } finally {
                if (temporary != null) {
                    try {
                        Files.deleteIfExists(temporary);
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.DEBUG, "could not delete " + temporary, e);
                    }
                }
            }
        }
    }

    /**
     * Saves {@code rules} on {@code scheduler}, soon. Saves asked for while one is being written are
     * coalesced: only the latest of them is written next. Never blocks.
     */
    public void saveLater(StoredRules rules, Scheduler scheduler) {
        pending.set(Objects.requireNonNull(rules, "rules"));
        if (pendingWrites.getAndIncrement() == 0) {
            scheduler.schedule(this::drain);
        }
    }

    /**
     * Writes the rules still pending, waits for a write under way, and stops writing: after it
     * returns the file no longer changes (its owner may delete it). Blocks the caller for as long as
     * one write takes.
     */
    public void close() {
        synchronized (writeLock) {
            StoredRules next = pending.getAndSet(null);
            if (next != null && !closed) {
                save(next);
            }
            closed = true;
        }
    }

    /** Writes whatever is pending until nothing is; only one drain runs at a time. */
    private void drain() {
        int missed = 1;
        do {
            StoredRules next = pending.getAndSet(null);
            if (next != null && !closed) {
                save(next);
            }
            missed = pendingWrites.addAndGet(-missed);
        } while (missed != 0);
    }

    /** Directories can be forced on Linux and macOS; elsewhere (Windows) opening one fails, and the move is all we have. */
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.TRACE, () -> "cannot force directory " + directory + ": " + e);
        }
    }

    /**
     * The rules in the store, read and validated again, or empty when there are none that can be
     * used: a WARNING then names the file and what was wrong with it. Never throws. Blocking.
     */
    public Optional<RestoredRules> restore() {
        Optional<StoredRules> stored = read();
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        StoredRules rules = stored.get();
        MeshConfig.LoadResult result;
        try {
            result = MeshConfig.loadDocuments(rules.documents());
        } catch (RuntimeException | StackOverflowError e) {
            ignore("its rules (version " + rules.version() + ") cannot be read: " + e);
            return Optional.empty();
        }
        if (!result.isValid()) {
            // A newer inmesh may validate more strictly than the one that kept them.
            ignore("its rules (version " + rules.version() + ") are no longer valid (" + result.errorCount() + " errors):\n"
                    + String.join("\n", result.diagnostics().stream().filter(Diagnostic::isError).map(Diagnostic::format).toList()));
            return Optional.empty();
        }
        return Optional.of(new RestoredRules(rules.version(), rules.takenAt(), result.config()));
    }

    /** The rules in the file, checked but not validated; empty, with a log line, when there are none to use. */
    public Optional<StoredRules> read() {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                ignore("it is " + size + " bytes (expected at most " + MAX_FILE_BYTES + "): not a rule store");
                return Optional.empty();
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            LOG.log(System.Logger.Level.INFO, () -> "no last good rules in " + file + " (no such file)");
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            ignore("it cannot be read: " + e);
            return Optional.empty();
        }
        try {
            return Optional.of(decode(bytes));
        } catch (CorruptStoreException e) {
            ignore(e.getMessage());
            return Optional.empty();
        }
    }

    private void ignore(String problem) {
        LOG.log(System.Logger.Level.WARNING, "ignoring the last good rules in " + file + ": " + problem);
    }

    static byte[] encode(StoredRules rules) throws IOException {
        ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream();
        DataOutputStream payload = new DataOutputStream(payloadBytes);
        writeString(payload, rules.version());
        payload.writeLong(rules.takenAt().getEpochSecond());
        payload.writeInt(rules.takenAt().getNano());
        payload.writeInt(rules.documents().size());
        for (SourceDocument document : rules.documents()) {
            writeString(payload, document.name());
            writeString(payload, document.text());
        }
        payload.flush();
        byte[] body = payloadBytes.toByteArray();
        ByteArrayOutputStream fileBytes = new ByteArrayOutputStream(HEADER_BYTES + body.length + CHECKSUM_BYTES);
        DataOutputStream out = new DataOutputStream(fileBytes);
        out.write(MAGIC);
        out.writeInt(FORMAT);
        out.writeLong(body.length);
        out.write(body);
        out.write(sha256(body));
        out.flush();
        return fileBytes.toByteArray();
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    static StoredRules decode(byte[] bytes) throws CorruptStoreException {
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptStoreException("it does not start with the rule store's magic bytes"
                    + " (expected a file written by inmesh; is it another file, or cut short?)");
        }
        if (bytes.length < HEADER_BYTES) {
            throw new CorruptStoreException("truncated: " + bytes.length + " bytes (expected a header of " + HEADER_BYTES + ")");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.position(MAGIC.length);
        int format = buffer.getInt();
        if (format != FORMAT) {
            throw new CorruptStoreException("format version " + format + " (expected: " + FORMAT + ")");
        }
        long payloadLength = buffer.getLong();
        long expected = HEADER_BYTES + payloadLength + CHECKSUM_BYTES;
        if (payloadLength < 0 || bytes.length != expected) {
            throw new CorruptStoreException((bytes.length < expected ? "truncated" : "wrong length") + ": " + bytes.length
                    + " bytes (expected " + expected + " for a payload of " + payloadLength + " bytes)");
        }
        byte[] body = Arrays.copyOfRange(bytes, HEADER_BYTES, HEADER_BYTES + (int) payloadLength);
        byte[] checksum = Arrays.copyOfRange(bytes, HEADER_BYTES + (int) payloadLength, bytes.length);
        byte[] actual = sha256(body);
        if (!MessageDigest.isEqual(checksum, actual)) {
            throw new CorruptStoreException("checksum mismatch: the file says SHA-256 " + HexFormat.of().formatHex(checksum)
                    + ", its content has " + HexFormat.of().formatHex(actual) + " (the file is corrupted)");
        }
        try {
            ByteBuffer payload = ByteBuffer.wrap(body);
            String version = readString(payload, "version");
            Instant takenAt = Instant.ofEpochSecond(payload.getLong(), payload.getInt());
            int count = payload.getInt();
            if (count < 0 || count > payload.remaining() / (2 * Integer.BYTES)) {
                throw new CorruptStoreException("malformed payload: " + count + " documents in " + payload.remaining() + " bytes");
            }
            List<SourceDocument> documents = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                documents.add(new SourceDocument(readString(payload, "document " + i + " name"), readString(payload, "document " + i + " text")));
            }
            if (payload.hasRemaining()) {
                throw new CorruptStoreException("malformed payload: " + payload.remaining() + " bytes after the last document");
            }
            return new StoredRules(version, takenAt, documents);
        } catch (BufferUnderflowException | java.time.DateTimeException e) {
            throw new CorruptStoreException("malformed payload: " + e);
        }
    }

    private static String readString(ByteBuffer payload, String what) throws CorruptStoreException {
        int length = payload.getInt();
        if (length < 0 || length > payload.remaining()) {
            throw new CorruptStoreException("malformed payload: " + what + " is " + length + " bytes, " + payload.remaining() + " remain");
        }
        ByteBuffer slice = payload.slice(payload.position(), length);
        payload.position(payload.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice)
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CorruptStoreException("malformed payload: " + what + " is not valid UTF-8");
        }
    }

    /**
     * The version string of rules read from {@code documents}: {@code sha256:} and the first 16 hex
     * digits of a hash over their names and texts, so that the same documents always have the same
     * version and a restored configuration keeps the version it had.
     */
    public static String contentVersion(List<SourceDocument> documents) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer length = ByteBuffer.allocate(Integer.BYTES);
            for (SourceDocument document : documents) {
                for (String part : List.of(document.name(), document.text())) {
                    byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
                    digest.update(length.clear().putInt(utf8.length).flip()); // length-prefixed: no two lists hash alike by accident
                    digest.update(utf8);
                }
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** What is wrong with a file that is not a good store; its message completes "ignoring … in FILE: ". */
    static final class CorruptStoreException extends Exception {
        CorruptStoreException(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public String toString() {
        return "RuleStore[" + file + "]";
    }
}
