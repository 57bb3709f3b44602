package io.stagingcanary.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector in its string form, parsed and evaluated by our own code: {@code
 * key=value}, {@code key==value}, {@code key!=value}, {@code key in (a,b)}, {@code key notin
 * (a,b)}, {@code key} (exists) and {@code !key} (does not exist), joined by commas (all must hold).
 * The empty selector matches everything. As in Kubernetes, {@code !=} and {@code notin} also match
 * when the key is absent.
 */
public record LabelSelector(String text, List<Requirement> requirements) {

  public LabelSelector {
    requirements = List.copyOf(requirements);
  }

  /** The operators of a requirement. */
  public enum Operator {
    EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  /** One comma-separated part of a selector. */
  public record Requirement(String key, Operator operator, Set<String> values) {

    public Requirement {
      values = Collections.unmodifiableSet(new TreeSet<>(values));
    }

    /** Whether labels satisfy this requirement. */
    public boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case EQUALS, IN -> value != null && values.contains(value);
        case NOT_EQUALS, NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> labels.containsKey(key);
        case DOES_NOT_EXIST -> !labels.containsKey(key);
      };
    }
  }

  /** Parses a selector; throws {@link SelectorSyntaxException} naming the position. */
  public static LabelSelector parse(String text) {
    if (text == null) {
      throw new SelectorSyntaxException("null", 0, "a selector is required");
    }
    return new LabelSelector(text.trim(), new Parser(text).requirements());
  }

  /** Whether all requirements hold for these labels. */
  public boolean matches(Map<String, String> labels) {
    return requirements.stream().allMatch(r -> r.matches(labels));
  }

  @Override
  public String toString() {
    return text;
  }

  /** A selector that is not valid label-selector syntax. */
  public static final class SelectorSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    SelectorSyntaxException(String text, int position, String message) {
      super("invalid label selector '" + text + "' at position " + position + ": " + message);
    }
  }

  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    List<Requirement> requirements() {
      List<Requirement> result = new ArrayList<>();
      skipSpaces();
      if (pos == text.length()) {
        return result;
      }
      while (true) {
        result.add(requirement());
        skipSpaces();
        if (pos == text.length()) {
          return result;
        }
        expect(',');
      }
    }

    private Requirement requirement() {
      skipSpaces();
      if (peek('!')) {
        pos++;
        skipSpaces();
        return new Requirement(key(), Operator.DOES_NOT_EXIST, Set.of());
      }
      String key = key();
      skipSpaces();
      if (pos == text.length() || peek(',')) {
        return new Requirement(key, Operator.EXISTS, Set.of());
      }
      if (text.startsWith("==", pos)) {
        pos += 2;
        return new Requirement(key, Operator.EQUALS, Set.of(value()));
      }
      if (text.startsWith("!=", pos)) {
        pos += 2;
        return new Requirement(key, Operator.NOT_EQUALS, Set.of(value()));
      }
      if (peek('=')) {
        pos++;
        return new Requirement(key, Operator.EQUALS, Set.of(value()));
      }
      String word = word();
      return switch (word) {
        case "in" -> new Requirement(key, Operator.IN, valueSet());
        case "notin" -> new Requirement(key, Operator.NOT_IN, valueSet());
        default -> throw error("expected =, ==, !=, in or notin after key '" + key + "'");
      };
    }

    private String key() {
      int start = pos;
      String key = word();
      if (key.isEmpty()) {
        throw error("expected a label key");
      }
      String name = key;
      int slash = key.indexOf('/');
      if (slash >= 0) {
        String prefix = key.substring(0, slash);
        name = key.substring(slash + 1);
        if (prefix.isEmpty()
            || prefix.length() > 253
            || !prefix.matches(
                "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")) {
          pos = start;
          throw error("invalid key prefix '" + prefix + "' (must be a DNS subdomain)");
        }
      }
      if (name.length() > 63 || !name.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
        pos = start;
        throw error("invalid key name '" + name + "'");
      }
      return key;
    }

    private String value() {
      skipSpaces();
      int start = pos;
      String value = word();
      if (!value.isEmpty()
          && (value.length() > 63 || !value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"))) {
        pos = start;
        throw error("invalid label value '" + value + "'");
      }
      return value;
    }

    private Set<String> valueSet() {
      skipSpaces();
      expect('(');
      Set<String> values = new TreeSet<>();
      while (true) {
        values.add(value());
        skipSpaces();
        if (peek(')')) {
          pos++;
          break;
        }
        expect(',');
      }
      if (values.equals(Set.of(""))) {
        throw error("a set needs at least one value");
      }
      return values;
    }

    /** Characters up to a space or one of {@code ,=!()}. */
    private String word() {
      int start = pos;
      while (pos < text.length() && " \t,=!()".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      return text.substring(start, pos);
    }

    private boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipSpaces() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }

    private SelectorSyntaxException error(String message) {
      return new SelectorSyntaxException(text, pos, message);
    }
  }

  /** Canonical text of the requirements, for messages. */
  public String canonical() {
    return requirements.stream()
        .map(
            r ->
                switch (r.operator()) {
                  case EQUALS -> r.key() + "=" + r.values().iterator().next();
                  case NOT_EQUALS -> r.key() + "!=" + r.values().iterator().next();
                  case IN -> r.key() + " in (" + String.join(",", r.values()) + ")";
                  case NOT_IN -> r.key() + " notin (" + String.join(",", r.values()) + ")";
                  case EXISTS -> r.key();
                  case DOES_NOT_EXIST -> "!" + r.key();
                })
        .collect(Collectors.joining(","));
  }
}
