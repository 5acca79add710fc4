package io.inmesh.core.http;

import java.util.Objects;

/**
 * A typed key of a {@link MeshRequest} attribute: what one step of the stack tells the later ones
 * (the route decision, the chosen destination, the endpoint). Keys compare by identity; declare each
 * once as a constant.
 *
 * @param <T> the value's type
 */
public final class AttributeKey<T> {

    private final String name;
    private final Class<T> type;

    private AttributeKey(String name, Class<T> type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    /** A new key; {@code name} is for humans only. */
    public static <T> AttributeKey<T> of(String name, Class<T> type) {
        return new AttributeKey<>(name, type);
    }

    public String name() {
        return name;
    }

    /** The type of the values stored under this key. */
    public Class<T> type() {
        return type;
    }

    T cast(Object value) {
        return type.cast(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
