package io.inmesh.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/**
 * Durations as Istio's YAML writes them: a sequence of decimal numbers, each with a unit, such as
 * {@code 1.5s}, {@code 300ms}, {@code 1m30s} or {@code 2h}. Units are {@code h}, {@code m},
 * {@code s}, {@code ms}, {@code us} (or {@code µs}) and {@code ns}; a bare {@code 0} is zero. This is
 * the syntax of Go's {@code time.ParseDuration}, which Istio's own reader uses.
 */
public final class Durations {

    private Durations() {
    }

    /** The duration written as {@code text}, or empty when it is not a valid duration. */
    public static Optional<Duration> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        int i = 0;
        boolean negative = false;
        if (text.charAt(0) == '-' || text.charAt(0) == '+') {
            negative = text.charAt(0) == '-';
            i++;
        }
        if (i == text.length()) {
            return Optional.empty();
        }
        if (text.substring(i).equals("0")) {
            return Optional.of(Duration.ZERO); // the one number without a unit, as Go accepts it
        }
        BigDecimal totalNanos = BigDecimal.ZERO;
        while (i < text.length()) {
            int numberStart = i;
            while (i < text.length() && (isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
                i++;
            }
            String number = text.substring(numberStart, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
                return Optional.empty();
            }
            int unitStart = i;
            while (i < text.length() && !isDigit(text.charAt(i)) && text.charAt(i) != '.') {
                i++;
            }
            long nanosPerUnit = nanosPerUnit(text.substring(unitStart, i));
            if (nanosPerUnit == 0) {
                return Optional.empty();
            }
            totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanosPerUnit)));
        }
        BigDecimal limit = BigDecimal.valueOf(Long.MAX_VALUE);
        if (totalNanos.compareTo(limit) > 0) {
            return Optional.empty();
        }
        long nanos = totalNanos.longValue();
        return Optional.of(Duration.ofNanos(negative ? -nanos : nanos));
    }

    /** ASCII digits only: {@link Character#isDigit} would also take digits of other scripts. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static long nanosPerUnit(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 0L;
        };
    }

    /**
     * The shortest form Istio would accept for {@code duration}: whole seconds as {@code 7s},
     * whole milliseconds below a second as {@code 250ms}, anything else as decimal seconds such as
     * {@code 1.5s}.
     */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.getNano() == 0) {
            return duration.getSeconds() + "s";
        }
        if (duration.getSeconds() == 0 && duration.getNano() % 1_000_000 == 0) {
            return duration.getNano() / 1_000_000 + "ms";
        }
        BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9));
        return seconds.stripTrailingZeros().toPlainString() + "s";
    }
}
