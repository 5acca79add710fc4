package io.inmesh.core.internal.yaml;

import io.inmesh.core.config.Durations;
import io.inmesh.core.config.SourceLocation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Binds a composed YAML node tree to the spec records of {@code io.inmesh.core.model}, strictly:
 * a field the record does not have, a value of the wrong type, a duplicate key or an unknown enum
 * constant is an error naming the field path. Records where each field was written.
 *
 * <p>Scalars are typed as YAML 1.1 resolves them, as Kubernetes does: {@code 80} is an integer and
 * must be quoted to be a string.
 */
public final class SpecBinder {

    private final String source;
    private final int lineOffset;
    private final String resource;
    private final DiagnosticCollector diagnostics;
    private final Map<String, SourceLocation> locations;

    /**
     * @param source the file being read
     * @param lineOffset lines of the file before the node tree's first line
     * @param resource the resource being bound, as {@code Kind/namespace/name}
     * @param diagnostics where problems go
     * @param locations receives the location of every field bound, by path
     */
    public SpecBinder(
            String source,
            int lineOffset,
            String resource,
            DiagnosticCollector diagnostics,
            Map<String, SourceLocation> locations) {
        this.source = source;
        this.lineOffset = lineOffset;
        this.resource = resource;
        this.diagnostics = diagnostics;
        this.locations = locations;
    }

    /** The location of a node's start. */
    public SourceLocation locate(Node node) {
        return new SourceLocation(source, lineOffset + node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1);
    }

    /**
     * Binds {@code node} as a value of {@code type}. Returns {@code null} when the value is absent
     * or cannot be bound (an error has then been recorded); an absent list or map binds as empty.
     */
    public Object bind(Node node, Type type, String path) {
        locations.putIfAbsent(path, locate(node));
        Class<?> raw = rawType(type);
        if (isNull(node)) {
            return emptyOf(raw);
        }
        if (raw == List.class) {
            return bindList(node, elementType(type, 0), path);
        }
        if (raw == Map.class) {
            return bindMap(node, rawType(elementType(type, 0)), elementType(type, 1), path);
        }
        if (raw.isRecord()) {
            return bindRecord(node, raw, path);
        }
        return bindScalar(node, raw, path);
    }

    /**
     * An object or list is located at its key ({@code destination:}), not at its first child, so a
     * diagnostic about the whole value points at the line that names it. A scalar is located at itself.
     */
    private void locateObjectAtKey(String path, NodeTuple tuple) {
        if (!(tuple.getValueNode() instanceof ScalarNode)) {
            locations.putIfAbsent(path, locate(tuple.getKeyNode()));
        }
    }

    /** Binds a map of strings, such as labels. */
    @SuppressWarnings("unchecked")
    public Map<String, String> bindStringMap(Node node, String path) {
        Object value = bind(node, STRING_MAP, path);
        return value == null ? Map.of() : (Map<String, String>) value;
    }

    private record StringMapType(Map<String, String> value) {
    }

    private static final Type STRING_MAP = StringMapType.class.getRecordComponents()[0].getGenericType();

    /** Binds a mapping node to a record of {@code type}. */
    public Object bindRecord(Node node, Class<?> type, String path) {
        RecordSchema schema = RecordSchema.of(type);
        if (!(node instanceof MappingNode mapping)) {
            error(node, path, "expected an object (" + schema.typeName() + "), got " + describe(node));
            return null;
        }
        Object[] values = new Object[schema.fields().size()];
        boolean[] seen = new boolean[values.length];
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = keyOf(tuple.getKeyNode(), path);
            if (key.isEmpty()) {
                continue;
            }
            String name = key.get();
            String fieldPath = path.isEmpty() ? name : path + "." + name;
            RecordSchema.Field field = schema.field(name);
            if (field == null) {
                String removed = schema.removedFieldNote(name);
                if (removed != null) {
                    diagnostics.warning(locate(tuple.getKeyNode()), resource, fieldPath, removed);
                } else {
                    error(tuple.getKeyNode(), fieldPath, unknownFieldMessage(name, schema));
                }
                continue;
            }
            if (seen[field.index()]) {
                error(tuple.getKeyNode(), fieldPath, "duplicate field \"" + name + "\"");
                continue;
            }
            seen[field.index()] = true;
            String canonicalPath = path.isEmpty() ? field.name() : path + "." + field.name();
            locateObjectAtKey(canonicalPath, tuple);
            values[field.index()] = bind(tuple.getValueNode(), field.type(), canonicalPath);
        }
        for (RecordSchema.Field field : schema.fields()) {
            if (values[field.index()] == null) {
                values[field.index()] = emptyOf(rawType(field.type()));
            }
        }
        return schema.construct(values);
    }

    private List<Object> bindList(Node node, Type elementType, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            error(node, path, "expected a list, got " + describe(node));
            return List.of();
        }
        List<Object> items = new ArrayList<>(sequence.getValue().size());
        List<Node> nodes = sequence.getValue();
        for (int i = 0; i < nodes.size(); i++) {
            String itemPath = path + "[" + i + "]";
            Node item = nodes.get(i);
            if (isNull(item)) {
                error(item, itemPath, "expected a value, got null");
                continue;
            }
            Object value = bind(item, elementType, itemPath);
            if (value != null) {
                items.add(value);
            }
        }
        return List.copyOf(items);
    }

    private Map<Object, Object> bindMap(Node node, Class<?> keyType, Type valueType, String path) {
        if (!(node instanceof MappingNode mapping)) {
            error(node, path, "expected a map, got " + describe(node));
            return Map.of();
        }
        Map<Object, Object> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            Object key;
            if (keyType == Integer.class) {
                key = keyNode instanceof ScalarNode scalar ? parseInteger(scalar.getValue()) : null;
                if (key == null) {
                    error(keyNode, path, "expected an integer key, got " + describe(keyNode));
                    continue;
                }
            } else {
                Optional<String> text = keyOf(keyNode, path);
                if (text.isEmpty()) {
                    continue;
                }
                key = text.get();
            }
            String entryPath = path + "[" + key + "]";
            if (entries.containsKey(key)) {
                error(keyNode, entryPath, "duplicate key \"" + key + "\"");
                continue;
            }
            Node valueNode = tuple.getValueNode();
            Object value;
            if (isNull(valueNode)) {
                Class<?> rawValue = rawType(valueType);
                if (rawValue.isRecord()) {
                    // `headers: {x-debug: {}}` and `x-debug:` both ask only for presence.
                    locations.putIfAbsent(entryPath, locate(valueNode));
                    value = bindRecord(emptyMapping(valueNode), rawValue, entryPath);
                } else {
                    error(valueNode, entryPath, "expected a value, got null");
                    continue;
                }
            } else {
                locateObjectAtKey(entryPath, tuple);
                value = bind(valueNode, valueType, entryPath);
            }
            if (value != null) {
                entries.put(key, value);
            }
        }
        return java.util.Collections.unmodifiableMap(entries);
    }

    private Object bindScalar(Node node, Class<?> type, String path) {
        if (!(node instanceof ScalarNode scalar)) {
            error(node, path, "expected " + expectation(type) + ", got " + describe(node));
            return null;
        }
        String text = scalar.getValue();
        Tag tag = scalar.getTag();
        if (type == String.class) {
            if (!Tag.STR.equals(tag)) {
                error(node, path, "expected a string, got " + describe(node) + " (quote it: \"" + text + "\")");
                return null;
            }
            return text;
        }
        if (type == Integer.class || type == Long.class) {
            Long value = Tag.INT.equals(tag) ? parseLong(text) : null;
            if (value == null) {
                error(node, path, "expected an integer, got " + describe(node));
                return null;
            }
            if (type == Integer.class) {
                if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                    error(node, path, "integer " + text + " is out of range (expected a 32-bit integer)");
                    return null;
                }
                return value.intValue();
            }
            return value;
        }
        if (type == Double.class) {
            if (!Tag.INT.equals(tag) && !Tag.FLOAT.equals(tag)) {
                error(node, path, "expected a number, got " + describe(node));
                return null;
            }
            try {
                double value = Double.parseDouble(text.replace("_", ""));
                if (Double.isNaN(value) || Double.isInfinite(value)) {
                    error(node, path, "expected a finite number, got " + text);
                    return null;
                }
                return value;
            } catch (NumberFormatException e) {
                error(node, path, "expected a number, got " + describe(node));
                return null;
            }
        }
        if (type == Boolean.class) {
            if (!Tag.BOOL.equals(tag)) {
                error(node, path, "expected true or false, got " + describe(node));
                return null;
            }
            return switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on", "y" -> Boolean.TRUE;
                default -> Boolean.FALSE;
            };
        }
        if (type == Duration.class) {
            Optional<Duration> duration = Tag.STR.equals(tag) ? Durations.parse(text) : Optional.empty();
            if (duration.isEmpty()) {
                error(node, path, "expected a duration such as 1.5s, 300ms or 1m, got " + describe(node));
                return null;
            }
            return duration.get();
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (((Enum<?>) constant).name().equals(text)) {
                    return constant;
                }
            }
            String expected = Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.joining(", "));
            error(node, path, "unknown value \"" + text + "\" (expected one of: " + expected + ")");
            return null;
        }
        throw new IllegalStateException("no binding for " + type);
    }

    private Optional<String> keyOf(Node keyNode, String path) {
        if (keyNode instanceof ScalarNode scalar && !isNull(keyNode)) {
            return Optional.of(scalar.getValue());
        }
        error(keyNode, path, "expected a field name, got " + describe(keyNode));
        return Optional.empty();
    }

    private void error(Node node, String path, String message) {
        diagnostics.error(locate(node), resource, path, message);
    }

    private static String unknownFieldMessage(String name, RecordSchema schema) {
        RecordSchema.Field camel = schema.fieldByProtoName(name);
        if (camel != null) {
            return "unknown field \"" + name + "\" in " + schema.typeName() + " (write \"" + camel.name()
                    + "\": Istio's resources take camelCase field names and would drop this one)";
        }
        List<String> known = schema.fields().stream().map(RecordSchema.Field::name).toList();
        String closest = null;
        int best = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = editDistance(name.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
            if (distance < best) {
                best = distance;
                closest = candidate;
            }
        }
        String message = "unknown field \"" + name + "\" in " + schema.typeName();
        if (closest != null && best <= Math.max(2, name.length() / 3)) {
            return message + " (did you mean \"" + closest + "\"?)";
        }
        return message + " (expected one of: " + String.join(", ", known) + ")";
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Whether {@code node} is YAML's null. */
    public static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }

    /** An empty object at the position of {@code at}, for a value written as null or left out. */
    public static MappingNode emptyMapping(Node at) {
        return new MappingNode(Tag.MAP, false, new ArrayList<>(), at.getStartMark(), at.getEndMark(),
                DumperOptions.FlowStyle.AUTO);
    }

    /** A short description of a node for messages: {@code integer 80}, {@code a list}, {@code "abc"}. */
    public static String describe(Node node) {
        if (node instanceof ScalarNode scalar) {
            Tag tag = scalar.getTag();
            String value = scalar.getValue();
            if (value.length() > 60) {
                value = value.substring(0, 57) + "...";
            }
            if (Tag.INT.equals(tag)) {
                return "integer " + value;
            }
            if (Tag.FLOAT.equals(tag)) {
                return "number " + value;
            }
            if (Tag.BOOL.equals(tag)) {
                return "boolean " + value;
            }
            if (Tag.NULL.equals(tag)) {
                return "null";
            }
            return "\"" + value + "\"";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "an object";
    }

    private static String expectation(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == Long.class) {
            return "an integer";
        }
        if (type == Double.class) {
            return "a number";
        }
        if (type == Boolean.class) {
            return "true or false";
        }
        if (type == Duration.class) {
            return "a duration such as 1.5s";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
        return "a value";
    }

    /**
     * An integer as YAML 1.1 writes it, and as Kubernetes reads it: decimal, {@code 0x} hex,
     * {@code 0b} binary, or octal with a leading {@code 0} ({@code 0644} is 420); {@code _} separates
     * digits. {@code null} when the text is none of these.
     */
    private static Long parseLong(String text) {
        String digits = text.replace("_", "");
        String sign = digits.startsWith("-") ? "-" : "";
        String magnitude = digits.startsWith("-") || digits.startsWith("+") ? digits.substring(1) : digits;
        int radix = 10;
        if (magnitude.startsWith("0x") || magnitude.startsWith("0X")) {
            radix = 16;
            magnitude = magnitude.substring(2);
        } else if (magnitude.startsWith("0b")) {
            radix = 2;
            magnitude = magnitude.substring(2);
        } else if (magnitude.length() > 1 && magnitude.startsWith("0")) {
            radix = 8;
            magnitude = magnitude.substring(1);
        }
        if (magnitude.isEmpty() || !Character.isLetterOrDigit(magnitude.charAt(0))) {
            return null;
        }
        try {
            return Long.parseLong(sign + magnitude, radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer parseInteger(String text) {
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Object emptyOf(Class<?> raw) {
        if (raw == List.class) {
            return List.of();
        }
        if (raw == Map.class) {
            return Map.of();
        }
        return null;
    }

    private static Class<?> rawType(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported type " + type);
    }

    private static Type elementType(Type type, int index) {
        return ((ParameterizedType) type).getActualTypeArguments()[index];
    }
}
