package io.stagingcanary.diff;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Deep unmodifiable copies of plain trees (maps, lists, scalars) that cost little to keep: the
 * agent holds one fixture manifest and one expected manifest per sentinel for as long as it runs.
 *
 * <ul>
 *   <li>A map keeps its keys and values in two arrays in insertion order (looked up by a scan up to
 *       {@value #SCAN_LIMIT} keys, through an index above), not in a {@code LinkedHashMap}'s table
 *       and entry objects; a list keeps an array.
 *   <li>Keys, and values of at most {@value #INTERN_LIMIT} characters, are interned: thousands of
 *       sentinels repeat {@code metadata}, {@code labels}, {@code v1}, a set's and a tenant's name.
 *   <li>A tree that is already frozen is not copied again, and {@link #sharing} takes every subtree
 *       that equals the one at the same place of another frozen tree from that tree: an expected
 *       manifest shares all but its annotations with the fixture it was seeded from.
 * </ul>
 *
 * Null keys and values are kept; so is key order.
 */
public final class FrozenTrees {

  static final int SCAN_LIMIT = 8;
  static final int INTERN_LIMIT = 64;

  private FrozenTrees() {}

  /** A frozen deep copy of {@code map}; {@code map} itself when it is frozen already. */
  public static Map<String, Object> map(Map<?, ?> map) {
    if (map == null) {
      return Map.of();
    }
    return map instanceof FrozenMap frozen ? frozen : copy(map, null);
  }

  /**
   * A frozen copy of a map of strings (labels, annotations); a value that is not a string is turned
   * into one, as the API server would have it.
   */
  public static Map<String, String> strings(Map<?, ?> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (map instanceof FrozenMap frozen && frozen.holdsStrings()) {
      @SuppressWarnings("unchecked")
      Map<String, String> strings = (Map<String, String>) (Map<?, ?>) frozen;
      return strings;
    }
    String[] keys = new String[map.size()];
    Object[] values = new Object[map.size()];
    int i = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      keys[i] = String.valueOf(e.getKey()).intern();
      values[i++] = e.getValue() == null ? null : sharing(String.valueOf(e.getValue()), null);
    }
    @SuppressWarnings("unchecked")
    Map<String, String> strings = (Map<String, String>) (Map<?, ?>) new FrozenMap(keys, values);
    return strings;
  }

  /** A frozen deep copy of a tree value; scalars come back as they are (short strings interned). */
  public static Object of(Object value) {
    return sharing(value, null);
  }

  /**
   * A frozen deep copy of {@code value} in which every subtree equal to the subtree at the same
   * place of {@code like} (a frozen tree, or null) is that subtree of {@code like}, not a copy.
   */
  public static Map<String, Object> sharing(Map<?, ?> value, Map<String, Object> like) {
    if (value == null) {
      return Map.of();
    }
    Object shared = sharing((Object) value, like);
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) shared;
    return map;
  }

  /** Whether a tree value is frozen: a scalar, or a map or list made here. */
  static boolean isFrozen(Object value) {
    return !(value instanceof Map<?, ?> || value instanceof List<?>)
        || value instanceof FrozenMap
        || value instanceof FrozenList;
  }

  private static Object sharing(Object value, Object like) {
    if (like != null && isFrozen(like) && like.equals(value)) {
      return like;
    }
    if (value instanceof FrozenMap || value instanceof FrozenList) {
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      return copy(map, like instanceof Map<?, ?> likeMap ? likeMap : null);
    }
    if (value instanceof List<?> list) {
      List<?> likeList = like instanceof List<?> l ? l : null;
      Object[] items = new Object[list.size()];
      int i = 0;
      for (Object item : list) {
        Object likeItem = likeList != null && i < likeList.size() ? likeList.get(i) : null;
        items[i++] = sharing(item, likeItem);
      }
      return new FrozenList(items);
    }
    if (value instanceof String s && s.length() <= INTERN_LIMIT) {
      return s.intern();
    }
    return value;
  }

  private static FrozenMap copy(Map<?, ?> map, Map<?, ?> like) {
    String[] keys = new String[map.size()];
    Object[] values = new Object[map.size()];
    int i = 0;
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey()).intern();
      keys[i] = key;
      values[i++] = sharing(e.getValue(), like == null ? null : like.get(key));
    }
    return new FrozenMap(keys, values);
  }

  /** An unmodifiable map over two arrays, in insertion order. */
  private static final class FrozenMap extends AbstractMap<String, Object> {
    private final String[] keys;
    private final Object[] values;
    private final Map<String, Integer> index;

    FrozenMap(String[] keys, Object[] values) {
      this.keys = keys;
      this.values = values;
      if (keys.length > SCAN_LIMIT) {
        index = new HashMap<>(keys.length * 2);
        for (int i = 0; i < keys.length; i++) {
          index.put(keys[i], i);
        }
      } else {
        index = null;
      }
    }

    boolean holdsStrings() {
      for (Object value : values) {
        if (value != null && !(value instanceof String)) {
          return false;
        }
      }
      return true;
    }

    private int indexOf(Object key) {
      if (index != null) {
        Integer at = index.get(key);
        return at == null ? -1 : at;
      }
      for (int i = 0; i < keys.length; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public Object get(Object key) {
      int at = indexOf(key);
      return at < 0 ? null : values[at];
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public int size() {
      return keys.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < keys.length;
            }

            @Override
            public Entry<String, Object> next() {
              if (next >= keys.length) {
                throw new NoSuchElementException();
              }
              int at = next++;
              return new SimpleImmutableEntry<>(keys[at], values[at]);
            }
          };
        }

        @Override
        public int size() {
          return keys.length;
        }
      };
    }
  }

  /** An unmodifiable list over an array. */
  private static final class FrozenList extends AbstractList<Object> implements RandomAccess {
    private final Object[] items;

    FrozenList(Object[] items) {
      this.items = items;
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }
}
