package org.rtsite.examples;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Orthanc (Debian packages orthanc, orthanc-dicomweb; scripts/setup.sh installs them) for the tests:
 * on 127.0.0.1, free HTTP and DICOM ports, a temporary configuration and storage folder, the DICOMweb
 * plugin from the package's plugin folder, optionally HTTP basic authentication for one user.
 */
final class Orthanc implements AutoCloseable {

    static final String BINARY = "/usr/sbin/Orthanc";

    private final Process process;
    private final int port;
    private final String authorization;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Orthanc(Process process, int port, String authorization, Path log) {
        this.process = process;
        this.port = port;
        this.authorization = authorization;
        this.log = log;
    }

    /** Whether the orthanc binary and the DICOMweb plugin are installed. */
    static boolean available() {
        return Files.isExecutable(Path.of(BINARY)) && plugin() != null;
    }

    /** The DICOMweb plugin: from dpkg -L orthanc-dicomweb, else the package's usual plugin folder. */
    static Path plugin() {
        try {
            Process p = new ProcessBuilder("dpkg", "-L", "orthanc-dicomweb").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            for (String line : text.split("\n")) {
                if (line.contains("/plugins/") && line.endsWith(".so") && Files.exists(Path.of(line.strip()))) {
                    return Path.of(line.strip());
                }
            }
        } catch (IOException e) {
            // no dpkg: try the usual place
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path usual = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
        return Files.exists(usual) ? usual : null;
    }

    /** Starts Orthanc in {@code work} (no authentication when {@code user} is null) and waits for /system. */
    static Orthanc start(Path work, String user, String password) throws IOException, InterruptedException {
        Path storage = Files.createDirectories(work.resolve("orthanc-storage"));
        int http = freePort();
        int dicom = freePort();
        String users = user == null ? "" : ", \"RegisteredUsers\": {\"" + user + "\": \"" + password + "\"}";
        String config = "{\n \"Name\": \"rtsite-test\", \"StorageDirectory\": \"" + storage + "\", \"IndexDirectory\": \""
                + storage + "\",\n \"HttpPort\": " + http + ", \"DicomPort\": " + dicom
                + ", \"RemoteAccessAllowed\": false,\n \"AuthenticationEnabled\": " + (user != null) + users
                + ",\n \"Plugins\": [\"" + plugin() + "\"],\n \"DicomWeb\": {\"Enable\": true, \"Root\": \"/dicom-web/\"}\n}\n";
        Path cfg = work.resolve("orthanc.json");
        Files.writeString(cfg, config);
        Path log = work.resolve("orthanc.log");
        Process p = new ProcessBuilder(BINARY, cfg.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        String auth = user == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Orthanc o = new Orthanc(p, http, auth, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Orthanc exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try {
                if (o.get("/system").statusCode() == 200) {
                    return o;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                o.close();
                throw new IllegalStateException("Orthanc did not answer /system within 30 s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The DICOMweb root, e.g. http://127.0.0.1:PORT/dicom-web. */
    String dicomWeb() {
        return "http://127.0.0.1:" + port + "/dicom-web";
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads every file under {@code root} with the REST API (POST /instances); fails on any refusal. */
    int upload(Path root) throws IOException, InterruptedException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        // two uploads at a time, as the machine's two cores allow
        List<Path> refused = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        List<String> answers = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        files.parallelStream().forEach(f -> {
            try {
                String a = post(f);
                if (a != null) {
                    refused.add(f);
                    answers.add(a);
                }
            } catch (IOException e) {
                refused.add(f);
                answers.add(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                refused.add(f);
                answers.add("interrupted");
            }
        });
        if (!refused.isEmpty()) {
            throw new IllegalStateException("Orthanc refused " + refused.get(0) + ": " + answers.get(0));
        }
        return files.size();
    }

    /** POST /instances; null when stored, else the status and body. */
    private String post(Path f) throws IOException, InterruptedException {
        {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/instances"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofFile(f));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? null : "HTTP " + r.statusCode() + " " + r.body();
        }
    }

    /** Number of instances Orthanc holds (GET /statistics). */
    int instances() throws IOException, InterruptedException {
        String body = get("/statistics").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"CountInstances\"\\s*:\\s*(\\d+)").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no CountInstances in " + body);
        }
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
