package io.inmesh.cli.internal;

import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code NAME=VALUE} pair given on the command line, as {@code --header end-user=jason}. The value
 * is everything after the first {@code =} and may be empty; the name may not.
 *
 * @param name the part before the first {@code =}
 * @param value the part after it
 */
public record NameValue(String name, String value) {

    public NameValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /** Splits {@code text} at its first {@code =}; fails with a message fit for a usage error. */
    public static NameValue parse(String text) {
        int equals = text.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException("'" + text + "' has no '=' (expected NAME=VALUE, such as end-user=jason)");
        }
        if (equals == 0) {
            throw new IllegalArgumentException("'" + text + "' has an empty name (expected NAME=VALUE, such as end-user=jason)");
        }
        return new NameValue(text.substring(0, equals), text.substring(equals + 1));
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }

    /** The picocli converter: a malformed pair is a usage error. */
    public static final class Converter implements ITypeConverter<NameValue> {
        @Override
        public NameValue convert(String text) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
