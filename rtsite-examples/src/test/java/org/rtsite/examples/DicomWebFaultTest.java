package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rtsite pull} against a small local stub of a DICOMweb server that fails in the ways real ones do:
 * 401 without credentials, 404 and 500 for single instances, a connection dropped in the middle of an
 * instance, nobody listening. Every failure names the URL and the server's answer; the other plans go on.
 */
class DicomWebFaultTest {

    private static final Path PLAN = Path.of("../rtsite-dicom/src/test/resources/public-rt/pydicom_rt/rtplan.dcm");
    private static final String STUDY = "1.2.826.0.1.3680043.8.498.1";
    private static final String SERIES = "1.2.826.0.1.3680043.8.498.2";
    private static final String OK = "1.2.777.777.77.7.7777.7777.20030903150023"; // the pydicom plan's own UID
    private static final String GONE = "1.2.826.0.1.3680043.8.498.404";
    private static final String BROKEN = "1.2.826.0.1.3680043.8.498.500";
    private static final String DROPPED = "1.2.826.0.1.3680043.8.498.999";
    private static final String PASSWORD = "pw-Never-Shown-4711";
    private static final String TOKEN = "tok.Never.Shown.0815";

    @TempDir
    Path work;
    HttpServer server;
    String base;
    /** Authorization header the stub wants; null: none. */
    volatile String wanted;
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/dicom-web/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web";
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String match(String sop) {
        return "{\"0020000D\":{\"vr\":\"UI\",\"Value\":[\"" + STUDY + "\"]},\"0020000E\":{\"vr\":\"UI\",\"Value\":[\""
                + SERIES + "\"]},\"00080018\":{\"vr\":\"UI\",\"Value\":[\"" + sop + "\"]},"
                + "\"00080060\":{\"vr\":\"CS\",\"Value\":[\"RTPLAN\"]},\"00100010\":{\"vr\":\"PN\",\"Value\":"
                + "[{\"Alphabetic\":\"Doe^Jane\"}]}}";
    }

    private void handle(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath();
        String query = x.getRequestURI().getRawQuery() == null ? "" : x.getRequestURI().getRawQuery();
        hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
        if (wanted != null && !wanted.equals(x.getRequestHeaders().getFirst("Authorization"))) {
            x.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"stub\"");
            send(x, 401, "text/plain", "Unauthorized: this archive needs credentials");
            return;
        }
        if (path.equals("/dicom-web/instances")) {
            String body = query.contains("Modality=RTPLAN")
                    ? "[" + match(GONE) + "," + match(BROKEN) + "," + match(DROPPED) + "," + match(OK) + "]" : "[]";
            send(x, 200, "application/dicom+json", body);
            return;
        }
        if (path.startsWith("/dicom-web/studies/") && path.contains("/instances/")) {
            String sop = path.substring(path.lastIndexOf('/') + 1);
            switch (sop) {
                case GONE -> send(x, 404, "application/json", "{\"Message\": \"Unknown resource " + sop + "\"}");
                case BROKEN -> send(x, 500, "text/plain", "Internal error: database is locked");
                case DROPPED -> dropMidStream(x);
                case OK -> sendInstance(x, Files.readAllBytes(PLAN));
                default -> send(x, 404, "text/plain", "no such instance");
            }
            return;
        }
        // searches in one study (doses, structure sets of the plan's study): nothing there
        send(x, 200, "application/dicom+json", "[]");
    }

    private static void send(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, b.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(b);
        }
    }

    private static byte[] part(byte[] dicom, String boundary) {
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + dicom.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(dicom, 0, all, head.length, dicom.length);
        System.arraycopy(tail, 0, all, head.length + dicom.length, tail.length);
        return all;
    }

    private static void sendInstance(HttpExchange x, byte[] dicom) throws IOException {
        byte[] body = part(dicom, "stub-boundary");
        x.getResponseHeaders().add("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=stub-boundary");
        x.sendResponseHeaders(200, body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    /** Announces a whole instance, sends a third of it, then closes the connection. */
    private static void dropMidStream(HttpExchange x) throws IOException {
        byte[] body = part(Files.readAllBytes(PLAN), "stub-boundary");
        x.getResponseHeaders().add("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=stub-boundary");
        x.sendResponseHeaders(200, body.length);
        OutputStream o = x.getResponseBody();
        o.write(body, 0, body.length / 3);
        o.flush();
        x.close(); // fewer bytes than announced: the server drops the connection
    }

    private CliRun pull(Path into, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("pull", "--dicomweb", base, "--into", into.toString(),
                "--no-progress"));
        a.addAll(List.of(more));
        return CliRun.of(a.toArray(String[]::new));
    }

    @Test
    void eachFailedRetrievalIsListedWithTheServersAnswerAndTheOthersGoOn() throws IOException {
        Path into = work.resolve("pulled");
        CliRun r = pull(into);
        assertEquals(3, r.exit(), r.out() + r.err());
        // the good plan arrived whole, under its study and series
        Path got = into.resolve("1.22.333.4.555555.6.7777777777777777777777777777").resolve("1.2.333.444.55.6.7777.8888")
                .resolve(OK + ".dcm");
        String listing = Files.walk(into).toList().toString();
        assertTrue(Files.isRegularFile(got), listing);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(PLAN), Files.readAllBytes(got)));
        String url = base + "/studies/" + STUDY + "/series/" + SERIES + "/instances/";
        assertTrue(r.err().contains(url + GONE + ": HTTP 404") && r.err().contains("Unknown resource " + GONE), r.err());
        assertTrue(r.err().contains(url + BROKEN + ": HTTP 500") && r.err().contains("database is locked"), r.err());
        assertTrue(r.err().contains(url + DROPPED + ": HTTP 200, the answer broke off"), r.err());
        assertTrue(r.err().contains("3 retrieval(s) failed"), r.err());
        assertTrue(r.out().contains("1 instances fetched"), r.out());
        // nothing half-written stays behind
        assertEquals(1, Files.walk(into).filter(p -> p.toString().endsWith(".dcm")).count(), listing);
        try (var s = Files.list(into.resolve(".partial"))) {
            assertEquals(0, s.count());
        }

        // the next run fetches only what failed, not the plan it has
        int before = hits.get("/dicom-web/studies/" + STUDY + "/series/" + SERIES + "/instances/" + OK).get();
        CliRun again = pull(into);
        assertEquals(3, again.exit());
        assertEquals(before, hits.get("/dicom-web/studies/" + STUDY + "/series/" + SERIES + "/instances/" + OK).get());
        assertTrue(again.out().contains("1 already present"), again.out());
    }

    @Test
    void refusedCredentialsEndThePullNamingTheUrlAndTheAnswer() throws IOException {
        wanted = "Basic " + Base64.getEncoder().encodeToString(("curator:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        CliRun r = pull(work.resolve("no-auth"));
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(base + "/instances?Modality=RTDOSE: HTTP 401")
                || r.err().contains(base + "/instances?Modality=RTPLAN: HTTP 401"), r.err());
        assertTrue(r.err().contains("this archive needs credentials"), r.err());

        Path wrong = Files.writeString(work.resolve("wrong.txt"), "not-the-password\n");
        CliRun bad = pull(work.resolve("bad-auth"), "--user", "curator", "--password-file", wrong.toString());
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertFalse((bad.out() + bad.err()).contains("not-the-password"));

        Path pw = Files.writeString(work.resolve("pw.txt"), PASSWORD + "\n");
        CliRun ok = pull(work.resolve("auth"), "--user", "curator", "--password-file", pw.toString());
        assertEquals(3, ok.exit(), ok.out() + ok.err()); // in: only the stub's 404, 500 and drop fail
        assertTrue(ok.out().contains("1 instances fetched"), ok.out());
        assertFalse((ok.out() + ok.err()).contains(PASSWORD));
        assertFalse((ok.out() + ok.err()).contains(Base64.getEncoder().encodeToString(
                ("curator:" + PASSWORD).getBytes(StandardCharsets.UTF_8))));

        wanted = "Bearer " + TOKEN;
        Path token = Files.writeString(work.resolve("token.txt"), TOKEN + "\n");
        CliRun bearer = pull(work.resolve("bearer"), "--token-file", token.toString());
        assertEquals(3, bearer.exit(), bearer.out() + bearer.err());
        assertTrue(bearer.out().contains("1 instances fetched"), bearer.out());
        assertFalse((bearer.out() + bearer.err()).contains(TOKEN));

        // a password in the URL is refused without being echoed
        CliRun inUrl = CliRun.of("pull", "--dicomweb", "http://curator:" + PASSWORD + "@127.0.0.1:1/dicom-web",
                "--into", work.resolve("x").toString());
        assertEquals(2, inUrl.exit());
        assertTrue(inUrl.err().contains("user information"), inUrl.err());
        assertFalse((inUrl.out() + inUrl.err()).contains(PASSWORD));
    }

    @Test
    void nobodyListeningIsARunFaultNamingTheUrl() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun r = CliRun.of("pull", "--dicomweb", "http://127.0.0.1:" + port + "/dicom-web", "--into",
                work.resolve("none").toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("http://127.0.0.1:" + port + "/dicom-web/instances?Modality=RTDOSE: connection failed")
                || r.err().contains("http://127.0.0.1:" + port + "/dicom-web/instances?Modality=RTPLAN: connection failed"),
                r.err());
    }

    @Test
    void tlsTrustsTheGivenTrustStoreAndRefusesAnUnknownCertificate() throws Exception {
        // a self-signed server certificate for 127.0.0.1, made by the JDK's keytool
        Path serverStore = work.resolve("server.p12");
        CliProcess.tool(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "stub", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1", "-ext",
                "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", serverStore.toString(),
                "-storepass", "serverpw", "-keypass", "serverpw");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(serverStore)) {
            ks.load(in, "serverpw".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "serverpw".toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
        https.createContext("/dicom-web/", this::handle);
        https.start();
        try {
            String url = "https://127.0.0.1:" + https.getAddress().getPort() + "/dicom-web";
            // the JDK's trust store does not know the certificate
            CliRun refused = CliRun.of("pull", "--dicomweb", url, "--into", work.resolve("tls-no").toString(),
                    "--no-progress");
            assertEquals(1, refused.exit(), refused.out() + refused.err());
            assertTrue(refused.err().contains(url + "/instances?Modality=") && refused.err().contains("connection failed"),
                    refused.err());

            // a trust store holding it (JKS, no password needed to read certificates)
            java.security.KeyStore trust = java.security.KeyStore.getInstance("JKS");
            trust.load(null, null);
            trust.setCertificateEntry("stub", ks.getCertificate("stub"));
            Path trustStore = work.resolve("trust.jks");
            try (var out = Files.newOutputStream(trustStore)) {
                trust.store(out, "trustpw".toCharArray());
            }
            CliRun ok = CliRun.of("pull", "--dicomweb", url, "--trust-store", trustStore.toString(), "--into",
                    work.resolve("tls").toString(), "--no-progress");
            assertEquals(3, ok.exit(), ok.out() + ok.err()); // the stub's 404, 500 and dropped instance
            assertTrue(ok.out().contains("1 instances fetched"), ok.out());
        } finally {
            https.stop(0);
        }
    }
}
