package io.inmesh.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process of the systems under test, started pinned to a CPU ({@code taskset -c}), and what
 * /proc says about it: CPU time (utime + stime of /proc/PID/stat) and resident memory (VmRSS).
 */
final class SutProcess implements AutoCloseable {

    /** Clock ticks per second of /proc/PID/stat's times ({@code getconf CLK_TCK}; 100 on Linux). */
    static final long TICKS_PER_SECOND = clockTicks();

    private final Process process;
    private final BufferedReader out;
    private final Writer in;

    private SutProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts {@code command} pinned to {@code cpu}; its standard error goes to the harness's. */
    static SutProcess start(int cpu, List<String> command) {
        List<String> pinned = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        pinned.addAll(command);
        try {
            return new SutProcess(new ProcessBuilder(pinned).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + pinned, e);
        }
    }

    /** A JVM running {@link SystemUnderTest} with {@code args}, on this JVM's classpath. */
    static SutProcess java(int cpu, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SystemUnderTest.class.getName());
        command.addAll(List.of(args));
        return start(cpu, command);
    }

    /** The next line of its standard output that starts with {@code prefix}, split on spaces. */
    String[] expect(String prefix) {
        try {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(prefix + " ")) {
                    return line.split(" ");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("the system under test ended before printing '" + prefix + "' (see its errors above)");
    }

    /** Sends a command line to its standard input. */
    void tell(String command) {
        try {
            in.write(command + "\n");
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** User plus system CPU time used so far, in nanoseconds (tick resolution). */
    long cpuNanos() {
        return cpuNanos(pid());
    }

    static long cpuNanos(long pid) {
        try {
            return parseCpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * (1_000_000_000L / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * CPU time used so far by the JVM's JIT compiler threads (C1 and C2), in nanoseconds: while it
     * still grows, the JIT is still compiling the request path, on the same CPU as the requests.
     */
    long compilerCpuNanos() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        ticks += parseCpuTicks(stat);
                    }
                } catch (IOException e) {
                    // a compiler thread that ended meanwhile (the JVM adds and removes them as needed)
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ticks * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /**
     * CPU time used so far per kind of thread, in nanoseconds: thread names with their numbers
     * removed ({@code reactor-http-epoll-#}, {@code C2 CompilerThre#}, {@code GC Thread#}), so that a
     * profile can tell request work from the JIT, the garbage collector and background tasks.
     */
    java.util.Map<String, Long> cpuNanosByThread() {
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
                    byName.merge(name, parseCpuTicks(stat) * (1_000_000_000L / TICKS_PER_SECOND), Long::sum);
                } catch (IOException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return byName;
    }

    /** utime + stime (fields 14 and 15) of a /proc/PID/stat line; the command name in parentheses may hold spaces. */
    static long parseCpuTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** VmRSS of the process, in KiB. */
    static long residentKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long clockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String value = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            getconf.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(value);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
