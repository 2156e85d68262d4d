import java.io.*;
import java.nio.file.*;
import java.nio.file.attribute.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * Cold reads of an archive's files outside rtsite (issue 16 item 3, "Indexing, seventh round: cold" in
 * docs/PERFORMANCE.md): drops the page cache (root), walks the folder as rtsite's scan does (list, then stat
 * each entry), then reads the first N KiB of every file on T threads, and prints the wall time and the block
 * device's /proc/diskstats deltas (reads completed, merged, KiB, ms the device spent reading, ms busy) of each phase.
 * Orders: name (each folder's files by name, as rtsite hands them to its readers), inode (each folder's files by
 * inode number), ginode (all files by inode number). Run under the benchmark lock:
 *   flock /tmp/rtsite-bench.lock java rtsite-benchmarks/scripts/ColdReads.java /tmp/a20k/data name 16 64
 * (DEV=vda names the device; run with /usr/bin/time for the CPU it takes.)
 */
public class ColdReads {
    record F(Path p, long ino) {}
    static long[] disk() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/diskstats"))) {
            String[] f = l.trim().split("\\s+");
            if (f[2].equals(System.getenv().getOrDefault("DEV", "vda"))) return new long[]{Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[12])};
        }
        return null;
    }
    static String delta(long[] a, long[] b) {
        return String.format("reads %5d merged %5d KiB %6d ms_rd %5d busy %4d", b[0]-a[0], b[1]-a[1], (b[2]-a[2])/2, b[3]-a[3], b[4]-a[4]);
    }
    static void walk(Path d, String order, List<F> out) throws IOException {
        List<Object[]> es = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path c : ds) {
                BasicFileAttributes a = Files.readAttributes(c, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String k = a.fileKey().toString(); // (dev=..,ino=..)
                long ino = Long.parseLong(k.substring(k.indexOf("ino=") + 4, k.length() - 1));
                es.add(new Object[]{c, ino, a.isDirectory()});
            }
        }
        if (order.equals("name")) es.sort(Comparator.comparing(o -> ((Path) o[0]).getFileName().toString()));
        else es.sort(Comparator.comparingLong(o -> (Long) o[1]));
        for (Object[] e : es) {
            if ((Boolean) e[2]) walk((Path) e[0], order, out); else out.add(new F((Path) e[0], (Long) e[1]));
        }
    }
    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]); String order = a[1]; int n = Integer.parseInt(a[2]) * 1024; int threads = Integer.parseInt(a[3]);
        new ProcessBuilder("sh", "-c", "sync; echo 3 > /proc/sys/vm/drop_caches").inheritIO().start().waitFor();
        long[] d0 = disk(); long t0 = System.nanoTime();
        List<F> files = new ArrayList<>();
        walk(root, order, files);
        if (order.equals("ginode")) files.sort(Comparator.comparingLong(F::ino));
        long[] d1 = disk(); long t1 = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        Thread[] ts = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            ts[i] = new Thread(() -> {
                byte[] b = new byte[n];
                int j;
                while ((j = next.getAndIncrement()) < files.size()) {
                    try (FileInputStream in = new FileInputStream(files.get(j).p().toFile())) { in.read(b); } catch (IOException e) { throw new UncheckedIOException(e); }
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) t.join();
        long[] d2 = disk(); long t2 = System.nanoTime();
        System.out.printf("%-6s %2dKiB %3dT files %d | walk %.2f s %s | read %.2f s %s%n", order, n / 1024, threads, files.size(), (t1 - t0) / 1e9, delta(d0, d1), (t2 - t1) / 1e9, delta(d1, d2));
    }
}
