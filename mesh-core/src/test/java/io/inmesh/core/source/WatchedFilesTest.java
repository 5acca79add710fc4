package io.inmesh.core.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchedFilesTest {

    @TempDir
    Path dir;

    @Test
    void theHashChangesWithTheBytesAndOnlyWithThem() throws IOException {
        Path file = Files.writeString(dir.resolve("vs.yaml"), "a: 1\n");
        WatchedFiles files = new WatchedFiles(List.of(dir));
        String first = files.contentHash();

        Files.writeString(file, "a: 1\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(0));
        assertThat(files.contentHash()).as("same bytes, new time").isEqualTo(first);

        Files.writeString(dir.resolve("notes.txt"), "not config");
        assertThat(files.contentHash()).as("a file the reader skips").isEqualTo(first);

        Files.writeString(file, "a: 2\n");
        assertThat(files.contentHash()).isNotEqualTo(first);
    }

    @Test
    void theHashCoversNamesAndMissingPaths() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), "x: 1\n");
        WatchedFiles files = new WatchedFiles(List.of(dir));
        String before = files.contentHash();

        Files.move(dir.resolve("a.yaml"), dir.resolve("b.yaml"));
        assertThat(files.contentHash()).as("renamed").isNotEqualTo(before);

        Path missing = dir.resolve("rules");
        String absent = new WatchedFiles(List.of(missing)).contentHash();
        Files.createDirectory(missing);
        assertThat(new WatchedFiles(List.of(missing)).contentHash()).as("created, empty").isNotEqualTo(absent);
    }

    @Test
    void aFileNamedDirectlyIsReadWhateverItsName() throws IOException {
        Path file = Files.writeString(dir.resolve("rules.conf"), "x: 1\n");
        WatchedFiles files = new WatchedFiles(List.of(file));
        String before = files.contentHash();

        Files.writeString(file, "x: 2\n");

        assertThat(files.contentHash()).isNotEqualTo(before);
    }

    @Test
    void theFingerprintSeesATouchAndAnAtomicReplace() throws IOException {
        Path file = Files.writeString(dir.resolve("vs.yaml"), "a: 1\n");
        WatchedFiles files = new WatchedFiles(List.of(dir));
        List<String> first = files.fingerprint();

        Files.setLastModifiedTime(file, FileTime.fromMillis(1_000));
        List<String> touched = files.fingerprint();
        assertThat(touched).isNotEqualTo(first);

        Path staged = Files.writeString(dir.resolve(".vs.yaml.tmp"), "a: 2\n");
        Files.setLastModifiedTime(staged, FileTime.fromMillis(1_000));
        Files.move(staged, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(files.fingerprint()).as("same size and time, another file").isNotEqualTo(touched);
    }

    @Test
    void watchesConfiguredDirectoriesTheirSubdirectoriesAndTheParentsOfFiles() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules/reviews"));
        Path single = Files.writeString(Files.createDirectory(dir.resolve("extra")).resolve("vs.yaml"), "");
        Path notYet = dir.resolve("later/vs.yaml");

        WatchedFiles files = new WatchedFiles(List.of(dir.resolve("rules"), single, notYet, dir.resolve("absent/deeper")));

        assertThat(files.directoriesToWatch()).containsExactly(
                dir.resolve("rules").toAbsolutePath(), rules.toAbsolutePath(), dir.resolve("extra").toAbsolutePath());
    }
}
