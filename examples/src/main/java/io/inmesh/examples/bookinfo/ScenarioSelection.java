package io.inmesh.examples.bookinfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which built-in scenarios to run, as {@code --scenarios} gives them: a comma-separated list of
 * scenario numbers ({@code 7}), ranges of numbers ({@code 6-10}), scenario ids
 * ({@code fault-abort}) or {@code all}. Scenarios run in the order given; one given twice runs once.
 */
final class ScenarioSelection {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,4})(?:-(\\d{1,4}))?");

    private ScenarioSelection() {
    }

    /**
     * The numbers (1 for the first) of the scenarios of {@code builtIn} that {@code list} selects, in
     * the order it gives them.
     *
     * @throws IllegalArgumentException naming the item that is not a scenario and what is expected
     */
    static List<Integer> parse(String list, List<Scenario> builtIn) {
        if (list == null || list.isBlank()) {
            throw new IllegalArgumentException("--scenarios is empty (expected " + expected(builtIn) + ")");
        }
        Set<Integer> selected = new LinkedHashSet<>();
        for (String item : list.split(",", -1)) {
            String given = item.strip().toLowerCase(Locale.ROOT);
            if (given.isEmpty()) {
                throw new IllegalArgumentException("--scenarios " + list + ": an empty item (expected " + expected(builtIn) + ")");
            }
            if (given.equals("all")) {
                for (int number = 1; number <= builtIn.size(); number++) {
                    selected.add(number);
                }
                continue;
            }
            Matcher range = RANGE.matcher(given);
            if (range.matches()) {
                int from = Integer.parseInt(range.group(1));
                int to = range.group(2) == null ? from : Integer.parseInt(range.group(2));
                if (from < 1 || to > builtIn.size() || from > to) {
                    throw new IllegalArgumentException("--scenarios " + list + ": " + given + " (expected scenario numbers 1 to "
                            + builtIn.size() + ", a range low to high)");
                }
                for (int number = from; number <= to; number++) {
                    selected.add(number);
                }
                continue;
            }
            int number = numberOf(given, builtIn);
            if (number == 0) {
                throw new IllegalArgumentException("--scenarios " + list + ": no scenario " + item.strip() + " (expected "
                        + expected(builtIn) + ")");
            }
            selected.add(number);
        }
        return List.copyOf(selected);
    }

    private static int numberOf(String id, List<Scenario> builtIn) {
        for (int i = 0; i < builtIn.size(); i++) {
            if (builtIn.get(i).id().equals(id)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** What the option takes, for messages: {@code all, numbers 1 to 10, ranges such as 6-10, or ids: all-v1, ...}. */
    static String expected(List<Scenario> builtIn) {
        List<String> ids = new ArrayList<>();
        builtIn.forEach(scenario -> ids.add(scenario.id()));
        return "all, numbers 1 to " + builtIn.size() + ", ranges such as 6-" + builtIn.size() + ", or ids: " + String.join(", ", ids);
    }

    /** The scenarios with their numbers and ids, a line each, for the help. */
    static List<String> listing(List<Scenario> builtIn) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < builtIn.size(); i++) {
            lines.add(String.format(Locale.ROOT, "%2d  %-17s %s", i + 1, builtIn.get(i).id(), builtIn.get(i).title()));
        }
        return lines;
    }
}
