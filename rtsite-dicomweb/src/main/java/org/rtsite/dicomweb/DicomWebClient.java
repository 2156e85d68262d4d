package org.rtsite.dicomweb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.rtsite.core.InvalidInputException;
import org.rtsite.core.RtsiteException;
import org.rtsite.core.RtsiteIOException;

/**
 * A DICOMweb client (PS3.18) on the JDK's {@link HttpClient}: QIDO-RS searches parsed from the DICOM JSON
 * model, WADO-RS retrieval of studies, series and instances as {@code multipart/related;
 * type="application/dicom"} streamed part by part, and STOW-RS storing Part 10 files written as one
 * multipart request streamed from disk. Immutable and thread-safe; one client shares one connection pool.
 *
 * <p>Authentication is HTTP basic or a bearer token; TLS uses the JDK's trust store unless a trust store
 * is given. Credentials live in the client alone: they are never part of a message, a URL it reports or
 * {@link #toString()}. A base URL that carries user information ({@code http://user:pw@host/}) is refused
 * without echoing it.
 *
 * <pre>{@code
 * DicomWebClient web = DicomWebClient.builder(URI.create("http://pacs:8042/dicom-web")).basicAuth("me", pw).build();
 * for (QidoResult plan : web.searchInstances(null, null, Map.of("Modality", "RTPLAN"))) { ... }
 * }</pre>
 */
public final class DicomWebClient {

    /** Media type of a WADO-RS retrieval in the stored transfer syntax (no transcoding by the server). */
    static final String ACCEPT_DICOM = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final String ACCEPT_DICOM_PLAIN = "multipart/related; type=\"application/dicom\"";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http;
    private final String authorization;
    private final Duration timeout;

    private DicomWebClient(Builder b) {
        this.base = b.base;
        this.authorization = b.authorization;
        this.timeout = b.timeout;
        HttpClient.Builder h = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(b.connectTimeout);
        if (b.ssl != null) {
            h.sslContext(b.ssl);
        }
        this.http = h.build();
    }

    /**
     * A builder for a client of the DICOMweb service at {@code base} (e.g. {@code http://host:8042/dicom-web}).
     *
     * @throws InvalidInputException when the URL is not http(s) or carries user information
     */
    public static Builder builder(URI base) {
        return new Builder(base);
    }

    /** The service's base URL, without a trailing slash. */
    public String baseUrl() {
        return base;
    }

    @Override
    public String toString() {
        return "DicomWebClient[" + base + (authorization == null ? "" : ", authenticated") + "]";
    }

    // ------------------------------------------------------------------ QIDO-RS

    /** QIDO-RS {@code /studies}: the studies matching {@code query} (attribute keyword or tag to value). */
    public List<QidoResult> searchStudies(Map<String, String> query) {
        return search("/studies", query);
    }

    /** QIDO-RS {@code [/studies/{study}]/series}: the series matching {@code query}, in one study when given. */
    public List<QidoResult> searchSeries(String studyUid, Map<String, String> query) {
        return search((studyUid == null ? "" : "/studies/" + uid(studyUid)) + "/series", query);
    }

    /**
     * QIDO-RS {@code [/studies/{study}[/series/{series}]]/instances}: the instances matching {@code query}, in one
     * study or series when given.
     *
     * @throws DicomWebException when the server refuses or the connection fails
     */
    public List<QidoResult> searchInstances(String studyUid, String seriesUid, Map<String, String> query) {
        if (seriesUid != null && studyUid == null) {
            throw new InvalidInputException("a series search needs its study UID (series " + seriesUid + ")");
        }
        String path = (studyUid == null ? "" : "/studies/" + uid(studyUid))
                + (seriesUid == null ? "" : "/series/" + uid(seriesUid)) + "/instances";
        return search(path, query);
    }

    private List<QidoResult> search(String path, Map<String, String> query) {
        Objects.requireNonNull(query, "query");
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(query).entrySet()) {
            q.append(q.length() == 0 ? '?' : '&').append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        String url = base + path + q;
        HttpResponse<InputStream> r = send(request(url).header("Accept", "application/dicom+json").GET().build(), url);
        try (InputStream body = r.body()) {
            if (r.statusCode() == 204) {
                return List.of();
            }
            if (r.statusCode() != 200) {
                throw failure(url, r.statusCode(), body, null);
            }
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new DicomWebException(url, 200, "", "not a DICOM JSON answer: " + e.getOriginalMessage(), e);
            }
            if (root == null || root.isMissingNode()) {
                return List.of();
            }
            if (!root.isArray()) {
                throw new DicomWebException(url, 200, "", "not a DICOM JSON answer: expected an array, got "
                        + root.getNodeType(), null);
            }
            List<QidoResult> out = new ArrayList<>();
            for (JsonNode match : root) {
                out.add(parse(match));
            }
            return out;
        } catch (IOException e) {
            throw new DicomWebException(url, r.statusCode(), "", "reading the answer failed: " + reason(e), e);
        }
    }

    static QidoResult parse(JsonNode match) {
        Map<Integer, List<String>> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = match.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int tag;
            try {
                tag = (int) Long.parseLong(e.getKey(), 16);
            } catch (NumberFormatException ex) {
                continue; // not an attribute
            }
            JsonNode value = e.getValue().get("Value");
            if (value == null || !value.isArray()) {
                values.put(tag, List.of());
                continue;
            }
            List<String> v = new ArrayList<>();
            for (JsonNode x : value) {
                if (x.isObject()) {
                    JsonNode alpha = x.get("Alphabetic");
                    if (alpha != null) {
                        v.add(alpha.asText());
                    }
                    // sequence items are left out
                } else if (!x.isNull()) {
                    v.add(x.asText());
                }
            }
            values.put(tag, List.copyOf(v));
        }
        return new QidoResult(values);
    }

    // ------------------------------------------------------------------ WADO-RS

    /** Receives one retrieved instance's Part 10 bytes; the stream is valid only during the call. */
    @FunctionalInterface
    public interface PartHandler {
        void accept(InputStream part) throws IOException;
    }

    /**
     * WADO-RS: retrieves a study, a series (series UID given) or one instance (both given) and hands each
     * instance to {@code handler} as it arrives, never holding more than a buffer of it.
     *
     * @return the number of instances handed over
     * @throws DicomWebException when the server refuses, the answer is not multipart, or the connection drops
     *         (the parts already handled stay handled)
     */
    public int retrieve(String studyUid, String seriesUid, String sopInstanceUid, PartHandler handler) {
        Objects.requireNonNull(studyUid, "studyUid");
        Objects.requireNonNull(handler, "handler");
        if (sopInstanceUid != null && seriesUid == null) {
            throw new InvalidInputException("an instance retrieval needs its series UID (instance "
                    + sopInstanceUid + ")");
        }
        String url = base + "/studies/" + uid(studyUid) + (seriesUid == null ? "" : "/series/" + uid(seriesUid))
                + (sopInstanceUid == null ? "" : "/instances/" + uid(sopInstanceUid));
        HttpResponse<InputStream> r = send(request(url).header("Accept", ACCEPT_DICOM).GET().build(), url);
        if (r.statusCode() == 406 || r.statusCode() == 400) {
            // a server that does not know transfer-syntax=* still serves its default
            close(r.body());
            r = send(request(url).header("Accept", ACCEPT_DICOM_PLAIN).GET().build(), url);
        }
        int parts = 0;
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                throw failure(url, r.statusCode(), body, null);
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            String boundary = MultipartReader.boundary(type);
            if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/") || boundary == null) {
                throw failure(url, 200, body, "expected multipart/related with a boundary, got Content-Type '"
                        + type + "'");
            }
            MultipartReader reader = new MultipartReader(body, boundary);
            for (MultipartReader.Part p = reader.next(); p != null; p = reader.next()) {
                handler.accept(p.body());
                parts++;
            }
            return parts;
        } catch (IOException e) {
            throw new DicomWebException(url, r.statusCode(), "", (parts == 0 ? "" : "after " + parts + " instance(s), ")
                    + "the answer broke off: " + reason(e), e);
        }
    }

    // ------------------------------------------------------------------ STOW-RS

    /** What a STOW-RS request stored: the instances the server accepted and those it refused, with its reason. */
    public record StoreResult(List<String> stored, Map<String, String> failed) {
        public StoreResult {
            stored = List.copyOf(stored);
            failed = Map.copyOf(failed);
        }
    }

    /**
     * STOW-RS: stores Part 10 files, streamed from disk in one multipart request, into {@code studyUid} (or
     * wherever each file's own StudyInstanceUID says when null).
     *
     * @throws DicomWebException when the server refuses the whole request (409 with a partial answer is
     *         returned as a {@link StoreResult} naming the failures)
     * @throws RtsiteIOException when a file cannot be read
     */
    public StoreResult store(String studyUid, List<Path> files) {
        Objects.requireNonNull(files, "files");
        if (files.isEmpty()) {
            throw new InvalidInputException("STOW-RS needs at least one file");
        }
        String url = base + "/studies" + (studyUid == null ? "" : "/" + uid(studyUid));
        String boundary = "rtsite-" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        for (Path f : files) {
            long size;
            try {
                size = Files.size(f);
            } catch (IOException e) {
                throw new RtsiteIOException("STOW-RS: cannot read " + f, e);
            }
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "\r\nContent-Type: application/dicom"
                    + "\r\nContent-Length: " + size + "\r\n\r\n", StandardCharsets.US_ASCII));
            try {
                parts.add(HttpRequest.BodyPublishers.ofFile(f));
            } catch (java.io.FileNotFoundException e) {
                throw new RtsiteIOException("STOW-RS: cannot read " + f, e);
            }
        }
        parts.add(HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n", StandardCharsets.US_ASCII));
        HttpRequest req = request(url).header("Accept", "application/dicom+json")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new))).build();
        HttpResponse<InputStream> r = send(req, url);
        try (InputStream body = r.body()) {
            int status = r.statusCode();
            if (status != 200 && status != 202 && status != 409) {
                throw failure(url, status, body, null);
            }
            byte[] text = body.readAllBytes();
            List<String> stored = new ArrayList<>();
            Map<String, String> failed = new LinkedHashMap<>();
            JsonNode root = text.length == 0 ? null : JSON.readTree(text);
            if (root != null && root.isArray() && root.size() > 0) {
                root = root.get(0);
            }
            if (root != null && root.isObject()) {
                for (JsonNode item : items(root, "00081199")) {
                    stored.add(text(item, "00081155"));
                }
                for (JsonNode item : items(root, "00081198")) {
                    failed.put(text(item, "00081155"), "failure reason " + text(item, "00081197"));
                }
            }
            if (status == 409 && failed.isEmpty()) {
                throw new DicomWebException(url, status, excerpt(text), "nothing stored", null);
            }
            return new StoreResult(stored, failed);
        } catch (IOException e) {
            throw new DicomWebException(url, r.statusCode(), "", "reading the answer failed: " + reason(e), e);
        }
    }

    private static List<JsonNode> items(JsonNode dataset, String tag) {
        JsonNode a = dataset.get(tag);
        JsonNode v = a == null ? null : a.get("Value");
        List<JsonNode> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(out::add);
        }
        return out;
    }

    private static String text(JsonNode item, String tag) {
        JsonNode a = item.get(tag);
        JsonNode v = a == null ? null : a.get("Value");
        return v != null && v.isArray() && v.size() > 0 ? v.get(0).asText() : "?";
    }

    // ------------------------------------------------------------------ plumbing

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    private HttpResponse<InputStream> send(HttpRequest req, String url) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DicomWebException(url, -1, "", "connection failed: " + reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RtsiteException(url + ": interrupted", e);
        }
    }

    private static DicomWebException failure(String url, int status, InputStream body, String detail) {
        byte[] start;
        try {
            start = body.readNBytes(4096);
        } catch (IOException e) {
            start = new byte[0];
        }
        return new DicomWebException(url, status, excerpt(start), detail, null);
    }

    private static String excerpt(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.UTF_8).replaceAll("\\s+", " ").strip();
        return s.length() > DicomWebException.EXCERPT ? s.substring(0, DicomWebException.EXCERPT) + "..." : s;
    }

    private static String reason(IOException e) {
        String m = RtsiteIOException.reason(e);
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // the answer was not wanted
        }
    }

    /**
     * A UID as a path segment: digits and dots only, so nothing in it can change the URL (longer than DICOM's 64
     * characters is let through: third-party archives hold such UIDs and their servers answer for them).
     */
    private static String uid(String uid) {
        if (!uid.matches("[0-9.]{1,256}")) {
            throw new InvalidInputException("not a DICOM UID: '" + uid.replaceAll("\\p{Cntrl}", "?") + "'");
        }
        return uid;
    }

    /** Options of a {@link DicomWebClient}; only the base URL is required. */
    public static final class Builder {
        private final String base;
        private String authorization;
        private SSLContext ssl;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration timeout = Duration.ofMinutes(5);

        private Builder(URI base) {
            Objects.requireNonNull(base, "base");
            String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidInputException("DICOMweb URL must start with http:// or https://, got scheme '"
                        + scheme + "'");
            }
            if (base.getRawUserInfo() != null) {
                // never echo it: it holds a password
                throw new InvalidInputException("DICOMweb URL carries user information (user:password@); give the "
                        + "credentials as basic authentication instead");
            }
            if (base.getHost() == null) {
                throw new InvalidInputException("DICOMweb URL has no host: " + base);
            }
            String s = base.toString();
            this.base = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }

        /** HTTP basic authentication; the password array is read, not kept. */
        public Builder basicAuth(String user, char[] password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.indexOf(':') >= 0) {
                throw new InvalidInputException("a basic-authentication user name cannot contain ':'");
            }
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** A bearer token (RFC 6750) sent with every request. */
        public Builder bearerToken(String token) {
            Objects.requireNonNull(token, "token");
            String t = token.strip();
            if (t.isEmpty() || t.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new InvalidInputException("a bearer token must be one word of visible ASCII characters");
            }
            this.authorization = "Bearer " + t;
            return this;
        }

        /** TLS trusting the certificates of {@code trustStore} (PKCS12 or JKS) instead of the JDK's. */
        public Builder trustStore(Path trustStore, char[] password) {
            Objects.requireNonNull(trustStore, "trustStore");
            try (InputStream in = Files.newInputStream(trustStore)) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(in, password);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                this.ssl = ctx;
            } catch (IOException e) {
                throw new RtsiteIOException("trust store " + trustStore, e);
            } catch (GeneralSecurityException e) {
                throw new InvalidInputException("trust store " + trustStore + " cannot be used: " + e.getMessage(), e);
            }
            return this;
        }

        /** TLS with this context (its trust managers decide which servers are trusted). */
        public Builder sslContext(SSLContext context) {
            this.ssl = Objects.requireNonNull(context, "context");
            return this;
        }

        /** How long to wait for a connection (default 10 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = positive(d, "connectTimeout");
            return this;
        }

        /** How long to wait for an answer's headers (default 5 min). */
        public Builder timeout(Duration d) {
            this.timeout = positive(d, "timeout");
            return this;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidInputException(name + " must be positive, got " + d);
            }
            return d;
        }

        public DicomWebClient build() {
            return new DicomWebClient(this);
        }
    }
}
