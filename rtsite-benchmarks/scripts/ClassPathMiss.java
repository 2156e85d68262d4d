/**
 * What one lookup of something no jar has costs a fresh JVM on the command line's class path (docs/PERFORMANCE.md,
 * "Indexing, eleventh round"): a class that no jar holds (every jar opened and searched), a second such class (all
 * open now), and a service scan (every jar's META-INF/services searched, as DriverManager and SLF4J do on first use).
 * Compiled first, not run as a source file: the source launcher's compiler would open every jar before main. From
 * the repository root, after a build:
 *   javac -d /tmp/cpm rtsite-benchmarks/scripts/ClassPathMiss.java
 *   java -XX:TieredStopAtLevel=1 -cp "/tmp/cpm:$(ls rtsite-examples/target/lib/*.jar | tr '\n' :)" ClassPathMiss
 */
public class ClassPathMiss {
    public static void main(String[] args) throws Exception {
        ClassLoader app = ClassLoader.getSystemClassLoader();
        long t0 = System.nanoTime();
        miss(app, "org.fusesource.jansi.AnsiConsole");
        long t1 = System.nanoTime();
        miss(app, "groovy.lang.Closure");
        long t2 = System.nanoTime();
        long drivers = java.util.ServiceLoader.load(java.sql.Driver.class, app).stream().count();
        long t3 = System.nanoTime();
        System.out.printf("first miss %.1f ms, second miss %.1f ms, service scan %.1f ms (%d JDBC drivers)%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, drivers);
    }

    private static void miss(ClassLoader loader, String name) {
        try {
            Class.forName(name, false, loader);
            throw new IllegalStateException(name + " is on the class path: no miss to measure");
        } catch (ClassNotFoundException expected) {
            // every jar was searched
        }
    }
}
