package org.rtsite.examples;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rtsite.core.RtsiteException;
import org.rtsite.dicomweb.DicomWebClient;
import org.rtsite.dicomweb.DicomWebPull;
import picocli.CommandLine.Option;

/**
 * The DICOMweb options {@code rtsite pull} and {@code rtsite classify --dicomweb} share: server, what to pull,
 * and credentials. Secrets come from files or environment variables only, never from the command line
 * (where {@code ps} and shell histories would show them), and are never printed.
 */
final class DicomWebOptions {

    static final String PASSWORD_ENV = "RTSITE_DICOMWEB_PASSWORD";
    static final String TOKEN_ENV = "RTSITE_DICOMWEB_TOKEN";
    static final String TRUST_STORE_PASSWORD_ENV = "RTSITE_TRUST_STORE_PASSWORD";

    @Option(names = "--dicomweb", paramLabel = "URL", description = "DICOMweb service root, e.g. "
            + "http://pacs:8042/dicom-web (QIDO-RS, WADO-RS and STOW-RS below it)")
    String url;

    @Option(names = "--patient", paramLabel = "ID", split = ",", description = "Pull only these PatientIDs "
            + "(repeatable or comma-separated; default: every patient)")
    List<String> patients = new ArrayList<>();

    @Option(names = "--since", paramLabel = "DATE", description = "Pull only studies from this StudyDate on "
            + "(YYYY-MM-DD or YYYYMMDD)")
    String since;

    @Option(names = "--modality", paramLabel = "LIST", split = ",", description = "Modalities searched to start "
            + "the pull (default: RTPLAN,RTDOSE); their linked structure sets, image series and doses follow")
    List<String> modalities = new ArrayList<>(List.of("RTPLAN", "RTDOSE"));

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "2", description = "DICOMweb requests in flight "
            + "at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--user", paramLabel = "NAME", description = "HTTP basic authentication as NAME; the password "
            + "is read from --password-file or the environment variable " + PASSWORD_ENV)
    String user;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the password "
            + "for --user")
    Path passwordFile;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Bearer token (first line of FILE; default: "
            + "the environment variable " + TOKEN_ENV + " when set)")
    Path tokenFile;

    @Option(names = "--trust-store", paramLabel = "FILE", description = "TLS: trust the certificates in this "
            + "PKCS12/JKS file instead of the JDK's trust store (password, if any, from " + TRUST_STORE_PASSWORD_ENV
            + ")")
    Path trustStore;

    /** The pull options, or null after printing why they are wrong. */
    DicomWebPull.Options pullOptions(String command, PrintWriter err) {
        LocalDate date = null;
        if (since != null) {
            String s = since.strip();
            try {
                date = s.contains("-") ? LocalDate.parse(s)
                        : LocalDate.parse(s, DateTimeFormatter.ofPattern("uuuuMMdd", Locale.ROOT));
            } catch (DateTimeParseException e) {
                return usage(command, err, "--since must be a date YYYY-MM-DD or YYYYMMDD, got '" + since + "'");
            }
        }
        List<String> mods = modalities.stream().map(m -> m.strip().toUpperCase(Locale.ROOT))
                .filter(m -> !m.isEmpty()).toList();
        try {
            return new DicomWebPull.Options(patients.stream().map(String::strip).filter(p -> !p.isEmpty()).toList(),
                    date, mods, parallel);
        } catch (RtsiteException e) {
            return usage(command, err, e.getMessage());
        }
    }

    /** The client, or null after printing why it cannot be made (exit status 2). */
    DicomWebClient client(String command, PrintWriter err, Map<String, String> env) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // the reason, not the text: a mistyped URL may still hold a password
            return usage(command, err, "--dicomweb is not a URL: " + e.getReason());
        }
        try {
            DicomWebClient.Builder b = DicomWebClient.builder(uri);
            String token = tokenFile != null ? firstLine(tokenFile) : env.get(TOKEN_ENV);
            if (user != null) {
                String password = passwordFile != null ? firstLine(passwordFile) : env.get(PASSWORD_ENV);
                if (password == null) {
                    return usage(command, err, "--user needs a password: --password-file FILE or the environment "
                            + "variable " + PASSWORD_ENV);
                }
                b.basicAuth(user, password.toCharArray());
            } else if (token != null && !token.isBlank()) {
                b.bearerToken(token);
            }
            if (trustStore != null) {
                String pw = env.get(TRUST_STORE_PASSWORD_ENV);
                b.trustStore(trustStore, pw == null ? null : pw.toCharArray());
            }
            return b.build();
        } catch (RtsiteException e) {
            return usage(command, err, e.getMessage());
        } catch (IOException e) {
            return usage(command, err, e.getMessage());
        }
    }

    private static String firstLine(Path file) throws IOException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lines.get(0).strip();
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + org.rtsite.core.RtsiteIOException.reason(e), e);
        }
    }

    private static <T> T usage(String command, PrintWriter err, String message) {
        err.println("rtsite " + command + ": " + message);
        err.flush();
        return null;
    }

    /** Runs a pull, drawing progress on stderr and listing failures; prints the summary on stdout. */
    static DicomWebPull.Summary pull(String command, DicomWebClient web, Path into, DicomWebPull.Options options,
                                     boolean progress, PrintWriter out, PrintWriter err) {
        out.println(command + ": pulling from " + web.baseUrl() + " into " + into);
        out.flush();
        PullProgress bar = new PullProgress(err, progress);
        DicomWebPull.Summary s;
        try {
            s = DicomWebPull.run(web, into, options, bar);
        } finally {
            bar.finish();
        }
        out.printf(Locale.ROOT, "pulled: %d plans and doses found; %d instances fetched (%.1f MB) in %.1f s, "
                        + "%.1f instances/s; %d already present; %d failed%n", s.roots(), s.fetched(), s.bytes() / 1e6,
                s.seconds(), s.rate(), s.present(), s.failures().size());
        int shown = 0;
        for (String missing : s.notOnServer()) {
            if (shown++ == 20) {
                out.println("  ... " + (s.notOnServer().size() - 20) + " more references not on the server");
                break;
            }
            out.println("  not on the server: " + missing);
        }
        for (DicomWebPull.Failure f : s.failures()) {
            err.println("rtsite " + command + ": failed: " + f.what() + ": " + f.url() + ": "
                    + (f.status() >= 0 ? "HTTP " + f.status() + " " : "") + f.answer());
        }
        if (!s.failures().isEmpty()) {
            err.println("rtsite " + command + ": " + s.failures().size() + " retrieval(s) failed; run the same "
                    + "command again to fetch what is missing");
        }
        out.flush();
        err.flush();
        return s;
    }

    /** One stderr line redrawn in place at most 5 times a second. */
    private static final class PullProgress implements DicomWebPull.Listener {
        private final PrintWriter err;
        private final boolean enabled;
        private long last;
        private boolean drawn;

        PullProgress(PrintWriter err, boolean enabled) {
            this.err = err;
            this.enabled = enabled;
        }

        @Override
        public void progress(DicomWebPull.Progress p) {
            long now = System.nanoTime();
            if (!enabled || now - last < 200_000_000L) {
                return;
            }
            last = now;
            err.printf(Locale.ROOT, "\r%d instances fetched (%.1f MB), %.1f instances/s, %d already present, "
                    + "%d failed ", p.fetched(), p.bytes() / 1e6, p.rate(), p.present(), p.failed());
            err.flush();
            drawn = true;
        }

        void finish() {
            if (drawn) {
                err.println();
                err.flush();
            }
        }
    }
}
