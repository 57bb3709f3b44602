package io.stagingcanary.api;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;

/**
 * Which area a request falls in, decided on the path that is routed, never on the raw URI: the
 * segments Spring MVC matches ({@link RequestPath}: percent-decoded, {@code ;} parameters removed)
 * and the path Tomcat maps ({@code servletPath + pathInfo}: decoded and normalised). A request is
 * in an area when either view says so, so no spelling of a path can route into {@code /api} while
 * the access rules look elsewhere. The first segment is compared ignoring case.
 */
final class ApiPaths {

  /** The areas with access rules. */
  enum Area {
    /** {@code /api/**}. */
    API,
    /** {@code /actuator/prometheus}. */
    METRICS,
    /**
     * The on-call pages: {@code /}, {@code /incidents/**}, {@code /runs/**}, {@code /tenants/**}.
     * Read under the same rules as the API.
     */
    PAGES,
    /** Everything else (health, info, error pages). */
    OTHER
  }

  private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private ApiPaths() {}

  /** Whether the method only reads. */
  static boolean isRead(HttpServletRequest request) {
    return READ_METHODS.contains(request.getMethod());
  }

  static Area area(HttpServletRequest request) {
    List<String> routed = routedSegments(request);
    List<String> mapped = segments(mappedPath(request));
    if (isApi(routed) || isApi(mapped)) {
      return Area.API;
    }
    if (isMetrics(routed) || isMetrics(mapped)) {
      return Area.METRICS;
    }
    if (isPage(routed) || isPage(mapped)) {
      return Area.PAGES;
    }
    return Area.OTHER;
  }

  /**
   * Why the raw path is not in its one plain spelling ({@code ;} parameters, percent-encoding, a
   * backslash, empty, {@code .} or {@code ..} segments), or null when it is. The API's paths need
   * none of these, so such a request is refused instead of being guessed at.
   */
  static String irregularity(HttpServletRequest request) {
    String raw = request.getRequestURI();
    if (raw == null) {
      return "the request has no path";
    }
    if (raw.indexOf(';') >= 0) {
      return "path parameters (';') are not accepted";
    }
    if (raw.indexOf('%') >= 0) {
      return "percent-encoded characters are not accepted in the path";
    }
    if (raw.indexOf('\\') >= 0) {
      return "a backslash is not accepted in the path";
    }
    String path = raw.startsWith("/") ? raw.substring(1) : raw;
    String[] parts = path.split("/", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.equals(".") || part.equals("..")) {
        return "'.' and '..' segments are not accepted";
      }
      if (part.isEmpty() && i < parts.length - 1) {
        return "empty path segments ('//') are not accepted";
      }
    }
    return null;
  }

  /**
   * What Tomcat mapped (decoded, normalised, no parameters); the request URI where no servlet
   * mapping set it (outside a container).
   */
  static String mappedPath(HttpServletRequest request) {
    String servletPath = request.getServletPath() == null ? "" : request.getServletPath();
    String pathInfo = request.getPathInfo() == null ? "" : request.getPathInfo();
    String path = servletPath + pathInfo;
    if (path.isEmpty()) {
      path = request.getRequestURI() == null ? "" : request.getRequestURI();
    }
    return path.isEmpty() ? "/" : path;
  }

  private static List<String> routedSegments(HttpServletRequest request) {
    String raw = request.getRequestURI();
    if (raw == null) {
      return List.of();
    }
    try {
      RequestPath path = RequestPath.parse(raw, request.getContextPath());
      List<String> segments = new ArrayList<>();
      for (PathContainer.Element element : path.pathWithinApplication().elements()) {
        if (element instanceof PathContainer.PathSegment segment) {
          segments.addAll(segments(segment.valueToMatch()));
        }
      }
      return segments;
    } catch (RuntimeException e) {
      // Undecodable: Spring would not route it either; the mapped path still decides.
      return List.of();
    }
  }

  /** Non-empty segments of a path; a decoded segment may itself hold separators. */
  private static List<String> segments(String path) {
    List<String> segments = new ArrayList<>();
    for (String part : path.split("[/\\\\]")) {
      if (!part.isEmpty() && !part.equals(".")) {
        segments.add(part);
      }
    }
    return segments;
  }

  private static boolean isApi(List<String> segments) {
    return !segments.isEmpty() && lower(segments.get(0)).equals("api");
  }

  /** The first segments of the on-call pages; the overview is the root itself. */
  private static final Set<String> PAGE_ROOTS = Set.of("incidents", "runs", "tenants");

  private static boolean isPage(List<String> segments) {
    return segments.isEmpty() || PAGE_ROOTS.contains(lower(segments.get(0)));
  }

  private static boolean isMetrics(List<String> segments) {
    return segments.size() >= 2
        && lower(segments.get(0)).equals("actuator")
        && lower(segments.get(1)).equals("prometheus");
  }

  private static String lower(String value) {
    return value.toLowerCase(Locale.ROOT);
  }
}
