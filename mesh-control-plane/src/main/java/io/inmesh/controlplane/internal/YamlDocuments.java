package io.inmesh.controlplane.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a YAML source into its documents at the same places mesh-core's reader does: before each
 * {@code ---} and after each {@code ...} in column 0, with lines that carry no content (blank,
 * comments, directives) before a {@code ---} kept with the document that follows. Each document read
 * on its own therefore yields exactly the resource it yields inside the whole file.
 */
public final class YamlDocuments {

    private static final Pattern DOCUMENT_START = Pattern.compile("^---(\\s.*)?$");
    private static final Pattern DOCUMENT_END = Pattern.compile("^\\.\\.\\.(\\s.*)?$");
    private static final Pattern NO_CONTENT = Pattern.compile("^\\s*([#%].*)?$");

    private YamlDocuments() {
    }

    /**
     * One document.
     *
     * @param firstLine its first line in the source, 1-based
     * @param lineCount how many lines it spans
     * @param text its text, each line ending with {@code \n}
     * @param hasContent whether any line is more than blank, comment or directive
     */
    public record Chunk(int firstLine, int lineCount, String text, boolean hasContent) {

        /** Whether the 1-based {@code line} of the source lies in this document. */
        public boolean contains(int line) {
            return line >= firstLine && line < firstLine + lineCount;
        }
    }

    /** The documents of {@code text}, in order; the lines of all chunks together are the lines of {@code text}. */
    public static List<Chunk> split(String text) {
        List<Chunk> chunks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length; // no empty line after the last break
        StringBuilder current = new StringBuilder();
        int start = 0;
        boolean noContentYet = true;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (!noContentYet && line.startsWith("---") && DOCUMENT_START.matcher(line).matches()) {
                chunks.add(new Chunk(start + 1, i - start, current.toString(), true));
                current.setLength(0);
                start = i;
                noContentYet = true;
            }
            boolean contentBefore = !noContentYet;
            current.append(line).append('\n');
            noContentYet = noContentYet && NO_CONTENT.matcher(line).matches();
            if (line.startsWith("...") && DOCUMENT_END.matcher(line).matches()) {
                chunks.add(new Chunk(start + 1, i + 1 - start, current.toString(), contentBefore));
                current.setLength(0);
                start = i + 1;
                noContentYet = true;
            }
        }
        if (current.length() > 0) {
            chunks.add(new Chunk(start + 1, count - start, current.toString(), !noContentYet));
        }
        return chunks;
    }
}
