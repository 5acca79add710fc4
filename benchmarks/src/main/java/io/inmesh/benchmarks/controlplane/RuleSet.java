package io.inmesh.benchmarks.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules directory the benchmark serves, and the edit it makes: Istio's Bookinfo rules (namespace
 * {@code default}) plus, per team namespace, a VirtualService, a DestinationRule and generated
 * ServiceEntries, half of them exported to every namespace and half kept to their own ({@code exportTo: .}),
 * so that scoping has work to do. Each edit rewrites Istio's {@code virtual-service-reviews-80-20.yaml}
 * with other weights and a comment naming the edit, which lets a workload tell which edit it received.
 */
final class RuleSet {

    /** The file each edit rewrites, relative to the rules directory. */
    static final String EDITED_FILE = "bookinfo/virtual-service-reviews-80-20.yaml";

    private static final String BOOKINFO = "bookinfo/istio/";
    private static final List<String> BOOKINFO_FILES =
            List.of("destination-rule-all.yaml", "virtual-service-ratings-test-delay.yaml", "virtual-service-reviews-80-20.yaml");
    private static final Pattern MARKER = Pattern.compile("^# benchmark edit (\\d+)$", Pattern.MULTILINE);

    private final Path directory;
    private final String reviewsTemplate;
    private final int resources;

    private RuleSet(Path directory, String reviewsTemplate, int resources) {
        this.directory = directory;
        this.reviewsTemplate = reviewsTemplate;
        this.resources = resources;
    }

    /**
     * Writes the rule set into {@code directory} (which must exist and be empty), with the edited file
     * at edit 0.
     *
     * @param teamNamespaces the namespaces {@code team-1} … besides Bookinfo's {@code default}
     * @param serviceEntriesPerNamespace the ServiceEntries generated in each team namespace
     */
    static RuleSet write(Path directory, int teamNamespaces, int serviceEntriesPerNamespace) {
        try {
            Files.createDirectories(directory.resolve("bookinfo"));
            for (String file : BOOKINFO_FILES) {
                if (!file.equals("virtual-service-reviews-80-20.yaml")) {
                    Files.writeString(directory.resolve("bookinfo").resolve(file), resource(BOOKINFO + file), StandardCharsets.UTF_8);
                }
            }
            int resources = 4 + 1 + 1; // Bookinfo: four DestinationRules, two VirtualServices
            for (int team = 1; team <= teamNamespaces; team++) {
                String namespace = namespace(team);
                Path folder = Files.createDirectories(directory.resolve(namespace));
                Files.writeString(folder.resolve("routes.yaml"), teamRoutes(namespace), StandardCharsets.UTF_8);
                StringBuilder entries = new StringBuilder();
                for (int i = 1; i <= serviceEntriesPerNamespace; i++) {
                    entries.append(i == 1 ? "" : "---\n").append(serviceEntry(namespace, i));
                }
                if (serviceEntriesPerNamespace > 0) {
                    Files.writeString(folder.resolve("service-entries.yaml"), entries, StandardCharsets.UTF_8);
                }
                resources += 2 + serviceEntriesPerNamespace;
            }
            RuleSet rules = new RuleSet(directory, resource(BOOKINFO + "virtual-service-reviews-80-20.yaml"), resources);
            Files.writeString(rules.editedFile(), rules.reviews(0), StandardCharsets.UTF_8);
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the rule set into " + directory, e);
        }
    }

    /** The name of team namespace {@code team} (from 1). */
    static String namespace(int team) {
        return "team-" + team;
    }

    /** How many Istio resources the set defines. */
    int resources() {
        return resources;
    }

    Path directory() {
        return directory;
    }

    Path editedFile() {
        return directory.resolve(EDITED_FILE);
    }

    /**
     * Rewrites the edited file for edit {@code edit} as editors and Kubernetes volumes do: the new text
     * is written to a temporary file beside it, which then replaces it in one atomic move.
     *
     * @return the moment the move returned: where the benchmark's clock starts
     */
    Instant edit(int edit) {
        Path target = editedFile();
        Path temporary = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            // A dot file with another extension: the rules reader ignores it.
            Files.writeString(temporary, reviews(edit), StandardCharsets.UTF_8);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot edit " + target, e);
        }
        return Instant.now();
    }

    /** Which edit a text of the edited file is, if it carries the benchmark's marker. */
    static OptionalInt editOf(String text) {
        Matcher matcher = MARKER.matcher(text);
        return matcher.find() ? OptionalInt.of(Integer.parseInt(matcher.group(1))) : OptionalInt.empty();
    }

    /** Istio's reviews 80/20 split, shifted by the edit number (v1 between 21 and 80), with the marker. */
    String reviews(int edit) {
        int v1 = 80 - edit % 60;
        String text = reviewsTemplate.replace("weight: 80", "weight: " + v1).replace("weight: 20", "weight: " + (100 - v1));
        if (text.equals(reviewsTemplate) && edit % 60 != 0) {
            throw new IllegalStateException(BOOKINFO + "virtual-service-reviews-80-20.yaml has no 'weight: 80' and 'weight: 20'");
        }
        // After the first line, so that the comment belongs to the document whatever the reader does with leading comments.
        int firstLineEnd = text.indexOf('\n') + 1;
        return text.substring(0, firstLineEnd) + "# benchmark edit " + edit + "\n" + text.substring(firstLineEnd);
    }

    private static String teamRoutes(String namespace) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: orders
                  namespace: %1$s
                spec:
                  hosts:
                  - orders
                  http:
                  - match:
                    - headers:
                        x-canary:
                          exact: "true"
                    route:
                    - destination:
                        host: orders
                        subset: v2
                  - route:
                    - destination:
                        host: orders
                        subset: v1
                      weight: 90
                    - destination:
                        host: orders
                        subset: v2
                      weight: 10
                    retries:
                      attempts: 3
                      perTryTimeout: 2s
                    timeout: 10s
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: orders
                  namespace: %1$s
                spec:
                  host: orders
                  trafficPolicy:
                    connectionPool:
                      http:
                        http1MaxPendingRequests: 64
                    outlierDetection:
                      consecutive5xxErrors: 5
                      interval: 10s
                      baseEjectionTime: 30s
                  subsets:
                  - name: v1
                    labels:
                      version: v1
                  - name: v2
                    labels:
                      version: v2
                """.formatted(namespace);
    }

    private static String serviceEntry(String namespace, int i) {
        // Odd entries stay in their namespace; even ones are visible everywhere.
        String exportTo = i % 2 == 1 ? "  exportTo:\n  - \".\"\n" : "";
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata:
                  name: external-%2$d
                  namespace: %1$s
                spec:
                  hosts:
                  - api-%2$d.%1$s.example.com
                %3$s  location: MESH_EXTERNAL
                  resolution: DNS
                  ports:
                  - number: 443
                    name: https
                    protocol: TLS
                """.formatted(namespace, i, exportTo);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RuleSet.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " not on the classpath (expected in mesh-examples' jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
