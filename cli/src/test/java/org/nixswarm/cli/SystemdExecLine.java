package org.nixswarm.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits an {@code ExecStart=} value into argv the way systemd does (systemd.service(5),
 * "Command lines"): words separated by whitespace, double- or single-quoted words with C-style
 * escapes, {@code %%} for a literal % and {@code $$} for a literal $. Any other specifier or
 * variable would be expanded by systemd, so here it is an error: the module must escape them.
 */
final class SystemdExecLine {
    private SystemdExecLine() {}

    static List<String> parse(String line) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            while (i < n && isSpace(line.charAt(i))) i++;
            if (i >= n) return words;
            StringBuilder word = new StringBuilder();
            while (i < n && !isSpace(line.charAt(i))) {
                char c = line.charAt(i);
                if (c == '"' || c == '\'') {
                    int close = i + 1;
                    while (close < n && line.charAt(close) != c) close += line.charAt(close) == '\\' ? 2 : 1;
                    if (close >= n) throw new IllegalArgumentException("unterminated quote at " + i + ": " + line);
                    unescape(line, i + 1, close, word);
                    i = close + 1;
                    if (i < n && !isSpace(line.charAt(i))) {
                        throw new IllegalArgumentException("systemd wants a space after a closing quote at " + i + ": " + line);
                    }
                } else {
                    int end = i;
                    while (end < n && !isSpace(line.charAt(end)) && line.charAt(end) != '"' && line.charAt(end) != '\'') end++;
                    unescape(line, i, end, word);
                    i = end;
                }
            }
            words.add(word.toString());
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n';
    }

    private static void unescape(String s, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case '\\', '"', '\'' -> out.append(e);
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> throw new IllegalArgumentException("escape \\" + e + " not expected at " + i + ": " + s);
                }
            } else if (c == '%' || c == '$') {
                if (i + 1 < to && s.charAt(i + 1) == c) {
                    out.append(c);
                    i++;
                } else {
                    throw new IllegalArgumentException("unescaped " + c + " (systemd would expand it) at " + i + ": " + s);
                }
            } else {
                out.append(c);
            }
        }
    }
}
