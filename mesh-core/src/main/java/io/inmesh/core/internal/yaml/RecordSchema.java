package io.inmesh.core.internal.yaml;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of one spec record as YAML names them: the record component names are the camelCase
 * field names of Istio's API. Istio's CRDs take only those (the API server prunes anything else),
 * except for two snake_case aliases the CRDs declare; other protobuf snake_case spellings are
 * refused with the camelCase name to use, since Istio would silently drop them.
 */
final class RecordSchema {

    private static final ClassValue<RecordSchema> CACHE = new ClassValue<>() {
        @Override
        protected RecordSchema computeValue(Class<?> type) {
            return new RecordSchema(type);
        }
    };

    /** One field: its position in the canonical constructor, its name and its Java type. */
    record Field(int index, String name, Type type) {
    }

    private final Class<?> type;
    private final List<Field> fields;
    private final Map<String, Field> byYamlName = new LinkedHashMap<>();
    private final Map<String, Field> byProtoName = new LinkedHashMap<>();
    private final Constructor<?> constructor;

    private RecordSchema(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        this.type = type;
        RecordComponent[] components = type.getRecordComponents();
        this.fields = new java.util.ArrayList<>(components.length);
        for (int i = 0; i < components.length; i++) {
            Field field = new Field(i, components[i].getName(), components[i].getGenericType());
            fields.add(field);
            byYamlName.put(field.name(), field);
            String protoName = PROTO_NAMES.getOrDefault(field.name(), snakeCase(field.name()));
            if (CRD_ALIASES.contains(type.getSimpleName() + "." + protoName)) {
                byYamlName.put(protoName, field);
            } else if (!protoName.equals(field.name())) {
                byProtoName.put(protoName, field);
            }
        }
        Class<?>[] parameterTypes = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            this.constructor = type.getDeclaredConstructor(parameterTypes);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record without canonical constructor: " + type, e);
        }
    }

    /**
     * Protobuf names that {@link #snakeCase} cannot derive from the camelCase name, because the proto
     * name has an underscore before a digit.
     */
    private static final Map<String, String> PROTO_NAMES = Map.of("consecutive5xxErrors", "consecutive_5xx_errors");

    /** The snake_case names Istio's CRD schemas accept beside the camelCase ones. */
    private static final java.util.Set<String> CRD_ALIASES = java.util.Set.of("HttpRoute.mirror_percent", "JwtRule.jwks_uri");

    static RecordSchema of(Class<?> type) {
        return CACHE.get(type);
    }

    Field field(String yamlName) {
        return byYamlName.get(yamlName);
    }

    /** The field whose protobuf (snake_case) name is {@code protoName}, for a suggestion; {@code null} if none. */
    Field fieldByProtoName(String protoName) {
        return byProtoName.get(protoName);
    }

    List<Field> fields() {
        return fields;
    }

    /** The message's name in Istio's API, such as {@code HTTPRoute} for {@code HttpRoute}. */
    String typeName() {
        String name = type.getSimpleName()
                .replace("Http", "HTTP")
                .replace("Tcp", "TCP")
                .replace("Tls", "TLS")
                .replace("Jwt", "JWT")
                .replace("Lb", "LB");
        return name.equals("LabelSelector") ? "WorkloadSelector" : name;
    }

    /**
     * Why a field that Istio's API once had but no longer has is ignored, or {@code null} when
     * {@code yamlName} is not such a field. Old configurations still carry these, and Istio's
     * own test data does too: they are warnings, not errors.
     */
    String removedFieldNote(String yamlName) {
        return REMOVED_FIELDS.get(type.getSimpleName() + "." + yamlName);
    }

    private static final Map<String, String> REMOVED_FIELDS = Map.of(
            "HttpRoute.websocketUpgrade",
            "field \"websocketUpgrade\" was removed from Istio's HTTPRoute; ignored (WebSocket upgrades are always allowed)");

    Object construct(Object[] values) {
        try {
            return constructor.newInstance(values);
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException("cannot construct " + type, e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("cannot construct " + type, cause);
        }
    }

    private static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
