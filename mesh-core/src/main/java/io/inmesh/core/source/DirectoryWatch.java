package io.inmesh.core.source;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The directories registered with one {@link WatchService}. Every event in a registered directory
 * counts as a possible change (the content hash decides whether it is one), so nothing is lost to
 * a filter that guessed wrong about editors' temporary files or symlink swaps.
 *
 * <p>Used by the watch thread only, except {@link #close()}, which any thread may call to wake it.
 */
final class DirectoryWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DirectoryWatch.class.getName());

    private final FileSystem fileSystem;
    private final WatchService service;
    private final Map<Path, WatchKey> keys = new HashMap<>();

    private DirectoryWatch(FileSystem fileSystem, WatchService service) {
        this.fileSystem = fileSystem;
        this.service = service;
    }

    /** A watch on {@code fileSystem}, or {@code null} when it has no watch service (then only polling works). */
    static DirectoryWatch open(FileSystem fileSystem) {
        try {
            return new DirectoryWatch(fileSystem, fileSystem.newWatchService());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.INFO, () -> "no watch service (" + e + "); config files are polled");
            return null;
        }
    }

    /** What one wait for events saw. */
    record Events(boolean any, boolean needsRegistration) {
        static final Events NONE = new Events(false, false);
    }

    /**
     * Registers every directory in {@code wanted} that is not registered yet, and cancels those no
     * longer wanted. A directory that cannot be registered (it vanished, or lives on another file
     * system) is left to polling.
     */
    void registerOnly(Set<Path> wanted) {
        for (Iterator<Map.Entry<Path, WatchKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, WatchKey> entry = it.next();
            if (!wanted.contains(entry.getKey()) || !entry.getValue().isValid()) {
                entry.getValue().cancel();
                it.remove();
            }
        }
        for (Path directory : wanted) {
            if (keys.containsKey(directory) || directory.getFileSystem() != fileSystem) {
                continue;
            }
            try {
                keys.put(directory, directory.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "cannot watch " + directory + " (" + e + "); polling covers it");
            }
        }
    }

    /**
     * Waits up to {@code timeoutNanos} for events, then takes every other one already queued.
     *
     * @throws ClosedWatchServiceException when {@link #close()} was called
     */
    Events await(long timeoutNanos) throws InterruptedException {
        WatchKey key = timeoutNanos <= 0 ? service.poll() : service.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        boolean any = false;
        boolean needsRegistration = false;
        for (; key != null; key = service.poll()) {
            Path directory = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                any = true;
                if (event.kind() == OVERFLOW) {
                    needsRegistration = true; // events were lost, new directories among them perhaps
                } else if (event.kind() == ENTRY_CREATE && event.context() instanceof Path name
                        && Files.isDirectory(directory.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                    needsRegistration = true; // a new subdirectory (created, or renamed into place)
                }
            }
            if (!key.reset()) {
                keys.remove(directory); // the directory is gone: its parent saw that
                any = true;
                needsRegistration = true;
            }
        }
        return any ? new Events(true, needsRegistration) : Events.NONE;
    }

    /** Closes the watch service, waking a thread blocked in {@link #await}; idempotent, any thread. */
    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing the watch service: " + e);
        }
    }
}
