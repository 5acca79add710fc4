package io.inmesh.core.internal.yaml;

import io.inmesh.core.config.ReaderLimits;
import io.inmesh.core.config.SourceLocation;
import io.inmesh.core.model.ObjectMeta;
import io.inmesh.core.model.Resource;
import io.inmesh.core.model.ResourceKind;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the Kubernetes-style documents of one YAML source into typed {@link Resource}s.
 *
 * <p>The source is split at its {@code ---} document markers first and each document is composed
 * on its own, so a syntax error in one document does not hide the diagnostics of the others.
 * SnakeYAML's limits on aliases, nesting depth and size refuse hostile input before it costs
 * memory or stack.
 */
public final class ResourceDocumentReader {

    private static final Set<String> TOP_LEVEL_FIELDS = Set.of("apiVersion", "kind", "metadata", "spec", "status");
    /** Kubernetes ObjectMeta fields that carry no meaning for routing; accepted and ignored. */
    private static final Set<String> IGNORED_METADATA_FIELDS = Set.of(
            "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
            "deletionGracePeriodSeconds", "ownerReferences", "finalizers", "managedFields", "selfLink",
            "generateName");
    private static final Pattern DOCUMENT_START = Pattern.compile("^---(\\s.*)?$");
    private static final Pattern DOCUMENT_END = Pattern.compile("^\\.\\.\\.(\\s.*)?$");
    /** A line that carries no content: blank, a comment or a directive such as {@code %YAML 1.1}. */
    private static final Pattern NO_CONTENT = Pattern.compile("^\\s*([#%].*)?$");
    private static final Pattern DNS1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final ReaderLimits limits;
    /** Built once per reader (a read of one or more sources, on one thread): building one costs more than a document. */
    private Yaml yaml;

    /** A reader for one read; not thread-safe. */
    public ResourceDocumentReader(ReaderLimits limits) {
        this.limits = limits;
    }

    /** Reads every document of {@code text}, adding resources and diagnostics to the given lists. */
    public void read(String source, String text, List<Resource<?>> resources, DiagnosticCollector diagnostics) {
        if (hasOverlongLine(source, text, diagnostics)) {
            return;
        }
        int documents = 0;
        for (Chunk chunk : split(text)) {
            if (++documents > limits.maxDocumentsPerSource()) {
                diagnostics.error(new SourceLocation(source, chunk.firstLine() + 1, 1), null, null,
                        "more than " + limits.maxDocumentsPerSource() + " documents in one source (limit maxDocumentsPerSource)");
                return;
            }
            Node root = compose(source, chunk, diagnostics);
            if (root != null) {
                readDocument(source, chunk.firstLine(), root, resources, diagnostics);
            }
        }
    }

    private record Chunk(int firstLine, String text) {
    }

    /**
     * SnakeYAML's scanner slows down with the square of a line's length; a line beyond
     * {@link ReaderLimits#maxLineLength()} refuses the whole source before parsing starts.
     */
    private boolean hasOverlongLine(String source, String text, DiagnosticCollector diagnostics) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '\n') {
                int length = i - lineStart;
                if (length > limits.maxLineLength()) {
                    diagnostics.error(new SourceLocation(source, line, 1), null, null, "line is " + length
                            + " characters long, over the limit of " + limits.maxLineLength() + " (split long values over several lines)");
                    return true;
                }
                line++;
                lineStart = i + 1;
            }
        }
        return false;
    }

    /**
     * Splits before each {@code ---} and after each {@code ...} in column 0, keeping each chunk's
     * first line number (0-based). Lines before a {@code ---} that carry no content (comments,
     * directives) stay with the document that follows them, as directives must.
     */
    private static List<Chunk> split(String text) {
        List<Chunk> chunks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        StringBuilder current = new StringBuilder();
        int start = 0;
        boolean noContentYet = true;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (!noContentYet && line.startsWith("---") && DOCUMENT_START.matcher(line).matches()) {
                chunks.add(new Chunk(start, current.toString()));
                current.setLength(0);
                start = i;
                noContentYet = true;
            }
            current.append(line).append('\n');
            noContentYet = noContentYet && NO_CONTENT.matcher(line).matches();
            if (line.startsWith("...") && DOCUMENT_END.matcher(line).matches()) {
                chunks.add(new Chunk(start, current.toString()));
                current.setLength(0);
                start = i + 1;
                noContentYet = true;
            }
        }
        if (current.length() > 0) {
            chunks.add(new Chunk(start, current.toString()));
        }
        return chunks;
    }

    private Yaml yaml() {
        if (yaml == null) {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(limits.maxAliasesForCollections());
            options.setNestingDepthLimit(limits.maxNestingDepth());
            options.setCodePointLimit(limits.maxCodePoints());
            options.setAllowRecursiveKeys(false);
            options.setProcessComments(false);
            yaml = new Yaml(options);
        }
        return yaml;
    }

    private Node compose(String source, Chunk chunk, DiagnosticCollector diagnostics) {
        try {
            Node root = yaml().compose(new StringReader(chunk.text()));
            Node recursive = root == null ? null : findRecursion(root, new IdentityHashMap<>());
            if (recursive == null) {
                return root;
            }
            diagnostics.error(new SourceLocation(source, chunk.firstLine() + recursive.getStartMark().getLine() + 1,
                    recursive.getStartMark().getColumn() + 1), null, null,
                    "YAML refused: the value anchored as &" + recursive.getAnchor()
                            + " contains an alias to itself (expected no recursive aliases)");
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            if (mark != null && e.getContextMark() != null && mark.getLine() >= chunk.text().lines().count()) {
                // "unexpected end of stream" would point past the document, often at the next one's
                // "---": where the unclosed quote or bracket opened says more.
                mark = e.getContextMark();
            }
            SourceLocation at = mark == null
                    ? new SourceLocation(source, chunk.firstLine() + 1, 1)
                    : new SourceLocation(source, chunk.firstLine() + mark.getLine() + 1, mark.getColumn() + 1);
            String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
            String context = e.getContext() != null ? e.getContext() + ": " : "";
            diagnostics.error(at, null, null, "YAML syntax error: " + context + problem);
        } catch (YAMLException e) {
            diagnostics.error(new SourceLocation(source, chunk.firstLine() + 1, 1), null, null,
                    "YAML refused: " + firstLine(e.getMessage()));
        } catch (StackOverflowError e) {
            // Defence in depth: the nesting limit should have refused this first.
            diagnostics.error(new SourceLocation(source, chunk.firstLine() + 1, 1), null, null,
                    "YAML refused: nesting too deep");
        }
        return null;
    }

    /**
     * A list or map that contains itself through an alias, or {@code null} when there is none.
     * SnakeYAML composes such recursive values; Kubernetes refuses them, and walking one would
     * never end.
     */
    private static Node findRecursion(Node node, Map<Node, Boolean> finished) {
        if (!(node instanceof SequenceNode) && !(node instanceof MappingNode)) {
            return null;
        }
        Boolean done = finished.putIfAbsent(node, Boolean.FALSE);
        if (done != null) {
            return done ? null : node;
        }
        List<Node> children = node instanceof SequenceNode sequence
                ? sequence.getValue()
                : ((MappingNode) node).getValue().stream()
                        .flatMap(tuple -> Stream.of(tuple.getKeyNode(), tuple.getValueNode()))
                        .toList();
        for (Node child : children) {
            Node recursive = findRecursion(child, finished);
            if (recursive != null) {
                return recursive;
            }
        }
        finished.put(node, Boolean.TRUE);
        return null;
    }

    private void readDocument(String source, int lineOffset, Node root, List<Resource<?>> resources,
            DiagnosticCollector diagnostics) {
        SpecBinder locator = new SpecBinder(source, lineOffset, null, diagnostics, new HashMap<>());
        if (SpecBinder.isNull(root)) {
            return;
        }
        if (!(root instanceof MappingNode mapping)) {
            diagnostics.error(locator.locate(root), null, null,
                    "expected a Kubernetes resource (an object with apiVersion, kind, metadata and spec), got "
                            + SpecBinder.describe(root));
            return;
        }
        Map<String, Node> fields = new LinkedHashMap<>();
        Map<String, Node> keys = new LinkedHashMap<>();
        List<Node> rejectedKeys = new ArrayList<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && !SpecBinder.isNull(key)) {
                if (fields.putIfAbsent(key.getValue(), tuple.getValueNode()) == null) {
                    keys.put(key.getValue(), key);
                } else {
                    rejectedKeys.add(key);
                }
            } else {
                rejectedKeys.add(tuple.getKeyNode());
            }
        }
        String kindName = scalar(fields.get("kind"));
        String apiVersion = scalar(fields.get("apiVersion"));
        if (kindName == null) {
            diagnostics.error(locator.locate(root), null, "kind", "missing kind (expected a Kubernetes resource such as kind: VirtualService)");
            return;
        }
        if (isList(kindName, fields)) {
            readList(source, lineOffset, fields.get("items"), resources, diagnostics);
            return;
        }
        ResourceKind kind = ResourceKind.byName(kindName).orElse(null);
        if (kind == null || apiVersion != null && isForeignKind(apiVersion, kind)) {
            diagnostics.warning(locator.locate(root), describeUnsupported(kindName, fields), null,
                    "unsupported kind " + kindName + (apiVersion == null ? "" : " (" + apiVersion + ")")
                            + ": skipped; inmesh reads " + supportedKinds());
            return;
        }
        Node metadataNode = fields.get("metadata");
        String namespace = metadataNode == null ? null : scalar(field(metadataNode, "namespace"));
        String name = metadataNode == null ? null : scalar(field(metadataNode, "name"));
        String key = kindName + "/" + (namespace == null || namespace.isEmpty() ? ObjectMeta.DEFAULT_NAMESPACE : namespace)
                + "/" + (name == null ? "<unnamed>" : name);
        int errorsBefore = diagnostics.errorCount();
        String acceptedVersions = " (expected one of: " + String.join(", ", kind.group().apiVersions()) + ")";
        if (apiVersion == null) {
            diagnostics.error(locator.locate(root), key, "apiVersion", "missing apiVersion" + acceptedVersions);
        } else if (!kind.accepts(apiVersion)) {
            diagnostics.error(locator.locate(fields.get("apiVersion")), key, "apiVersion",
                    "unsupported apiVersion " + apiVersion + " for " + kindName + acceptedVersions);
        }
        for (Map.Entry<String, Node> entry : keys.entrySet()) {
            if (!TOP_LEVEL_FIELDS.contains(entry.getKey())) {
                diagnostics.error(locator.locate(entry.getValue()), key, entry.getKey(),
                        "unknown field \"" + entry.getKey() + "\" (expected apiVersion, kind, metadata, spec, status)");
            }
        }
        for (Node rejected : rejectedKeys) {
            if (rejected instanceof ScalarNode scalar && !SpecBinder.isNull(scalar)) {
                diagnostics.error(locator.locate(rejected), key, scalar.getValue(), "duplicate field \"" + scalar.getValue() + "\"");
            } else {
                diagnostics.error(locator.locate(rejected), key, null, "expected a field name, got " + SpecBinder.describe(rejected));
            }
        }
        Map<String, SourceLocation> locations = new HashMap<>();
        SpecBinder binder = new SpecBinder(source, lineOffset, key, diagnostics, locations);
        if (metadataNode != null) {
            locations.put("metadata", binder.locate(metadataNode));
        }
        ObjectMeta metadata = readMetadata(binder, root, metadataNode, key, diagnostics);
        Node specNode = fields.get("spec");
        Object spec;
        if (specNode == null || SpecBinder.isNull(specNode)) {
            spec = binder.bindRecord(SpecBinder.emptyMapping(root),
                    kind.specType(), "spec");
        } else {
            spec = binder.bind(specNode, kind.specType(), "spec");
        }
        if (metadata == null || spec == null || diagnostics.errorCount() > errorsBefore) {
            return;
        }
        resources.add(newResource(kind, apiVersion, metadata, (Record) spec, binder.locate(root), locations));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Resource<?> newResource(ResourceKind kind, String apiVersion, ObjectMeta metadata, Record spec,
            SourceLocation at, Map<String, SourceLocation> locations) {
        return new Resource(kind, apiVersion, metadata, spec, at, locations);
    }

    private ObjectMeta readMetadata(SpecBinder binder, Node root, Node node, String key, DiagnosticCollector diagnostics) {
        if (!(node instanceof MappingNode mapping)) {
            diagnostics.error(binder.locate(node == null ? root : node), key, "metadata",
                    node == null || SpecBinder.isNull(node)
                            ? "missing metadata (expected an object with at least a name)"
                            : "expected metadata to be an object with at least a name, got " + SpecBinder.describe(node));
            return null;
        }
        String name = null;
        String namespace = null;
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        Set<String> seen = new HashSet<>();
        for (NodeTuple tuple : mapping.getValue()) {
            String field = tuple.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
            Node value = tuple.getValueNode();
            String path = "metadata." + field;
            if (!seen.add(field)) {
                diagnostics.error(binder.locate(tuple.getKeyNode()), key, path, "duplicate field \"" + field + "\"");
                continue;
            }
            switch (field) {
                case "name" -> name = (String) binder.bind(value, String.class, path);
                case "namespace" -> namespace = (String) binder.bind(value, String.class, path);
                case "labels" -> labels = binder.bindStringMap(value, path);
                case "annotations" -> annotations = binder.bindStringMap(value, path);
                default -> {
                    if (!IGNORED_METADATA_FIELDS.contains(field)) {
                        diagnostics.error(binder.locate(tuple.getKeyNode()), key, path,
                                "unknown field \"" + field + "\" in metadata");
                    }
                }
            }
        }
        Node nameNode = field(node, "name");
        if (name == null && nameNode != null && !SpecBinder.isNull(nameNode)) {
            return null; // not a string: already reported
        }
        if (name == null || name.isEmpty()) {
            diagnostics.error(binder.locate(nameNode == null ? node : nameNode), key, "metadata.name", "missing name");
            return null;
        }
        if (name.length() > 253 || !DNS1123_SUBDOMAIN.matcher(name).matches()) {
            diagnostics.error(binder.locate(field(node, "name")), key, "metadata.name",
                    "invalid name \"" + name + "\" (expected a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters)");
        }
        if (namespace != null && !namespace.isEmpty()
                && (namespace.length() > 63 || !DNS1123_LABEL.matcher(namespace).matches())) {
            diagnostics.error(binder.locate(field(node, "namespace")), key, "metadata.namespace",
                    "invalid namespace \"" + namespace + "\" (expected a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters)");
        }
        return new ObjectMeta(name, namespace, labels, annotations);
    }

    private void readList(String source, int lineOffset, Node items, List<Resource<?>> resources,
            DiagnosticCollector diagnostics) {
        if (items == null || SpecBinder.isNull(items)) {
            return;
        }
        if (!(items instanceof SequenceNode sequence)) {
            SpecBinder locator = new SpecBinder(source, lineOffset, null, diagnostics, new HashMap<>());
            diagnostics.error(locator.locate(items), null, "items", "expected a list of resources, got " + SpecBinder.describe(items));
            return;
        }
        for (Node item : sequence.getValue()) {
            readDocument(source, lineOffset, item, resources, diagnostics);
        }
    }

    /**
     * Whether {@code apiVersion} names another API that has a kind of the same name, as the
     * Kubernetes Gateway API has {@code Gateway}: such a document is not for inmesh. Any other
     * group on an Istio kind is taken as a typo, reported as an error rather than skipped.
     */
    private static boolean isForeignKind(String apiVersion, ResourceKind kind) {
        return !apiVersion.startsWith(kind.group().groupName() + "/") && FOREIGN_GROUPS.stream().anyMatch(apiVersion::startsWith);
    }

    private static final List<String> FOREIGN_GROUPS = List.of("gateway.networking.k8s.io/", "networking.x-k8s.io/");

    private static boolean isList(String kindName, Map<String, Node> fields) {
        return fields.containsKey("items") && (kindName.equals("List") || kindName.endsWith("List"));
    }

    private static String describeUnsupported(String kindName, Map<String, Node> fields) {
        Node metadata = fields.get("metadata");
        String name = metadata == null ? null : scalar(field(metadata, "name"));
        String namespace = metadata == null ? null : scalar(field(metadata, "namespace"));
        if (name == null) {
            return null;
        }
        return kindName + "/" + (namespace == null ? ObjectMeta.DEFAULT_NAMESPACE : namespace) + "/" + name;
    }

    private static String supportedKinds() {
        return Arrays.stream(ResourceKind.values()).map(ResourceKind::kindName).collect(Collectors.joining(", "));
    }

    private static Node field(Node mapping, String name) {
        if (mapping instanceof MappingNode m) {
            for (NodeTuple tuple : m.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(name)) {
                    return tuple.getValueNode();
                }
            }
        }
        return null;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s && !SpecBinder.isNull(node) ? s.getValue() : null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid input";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
