import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts Neo4j Community in this JVM with the test harness (org.neo4j.test:neo4j-harness) and keeps it
 * running until the process is told to stop (SIGTERM/SIGINT close the database cleanly).
 *
 * Usage: java -cp CLASSPATH Launcher.java --data DIR --uri-file FILE [--port N] [--cypher 5|25]
 *                                        [--pagecache SIZE]
 *
 * Bolt listens on 127.0.0.1 only, on port N, also advertised in routing tables (default 0: a free port
 * chosen by the system, but then routing tables name the default port), HTTP and HTTPS are off.
 * Authentication is the harness default (off) unless NEO4J_TEST_PASSWORD is set in the environment:
 * then it is on and the user neo4j gets that password (never printed). Once Neo4j is started, the
 * Bolt URI is written to FILE (atomically) and printed on standard output. --cypher sets the default
 * Cypher version of new databases (db.query.default_language, Neo4j 2025.06 and later). --pagecache sets
 * server.memory.pagecache.size (e.g. 512m): the harness defaults to 8 MiB, a test-sized cache that makes a
 * regional graph of several hundred megabytes page in and out on every write.
 */
public final class Launcher {
    public static void main(String[] args) throws Exception {
        Path data = null;
        Path uriFile = null;
        int port = 0;
        String cypher = null;
        String pagecache = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--uri-file" -> uriFile = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--cypher" -> cypher = args[++i];
                case "--pagecache" -> pagecache = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (data == null || uriFile == null) {
            System.err.println("usage: Launcher --data DIR --uri-file FILE [--port N] [--cypher 5|25] [--pagecache SIZE]");
            System.exit(2);
        }
        String password = System.getenv("NEO4J_TEST_PASSWORD");
        boolean auth = password != null && !password.isEmpty();

        Files.createDirectories(data);
        long started = System.nanoTime();
        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder(data)
                .withDisabledServer()
                .withConfig(HttpConnector.enabled, false)
                .withConfig(HttpsConnector.enabled, false)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.auth_enabled, auth);
        if (port != 0) {
            // Routing tables (neo4j:// URIs) name this address.
            builder = builder.withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port));
        }
        if (cypher != null) {
            builder = withDefaultLanguage(builder, cypher);
        }
        if (pagecache != null) {
            builder = builder.withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(pagecache));
        }
        Neo4j neo4j = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping Neo4j");
            try {
                neo4j.close();
            } finally {
                stopped.countDown();
            }
        }, "neo4j-harness-stop"));

        if (auth) {
            neo4j.databaseManagementService().database("system").executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        }
        URI bolt = neo4j.boltURI();
        String uri = "bolt://127.0.0.1:" + bolt.getPort();
        Path tmp = uriFile.resolveSibling(uriFile.getFileName() + ".tmp");
        Files.writeString(tmp, uri + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, uriFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("Neo4j %s started in %.1f s, auth %s, Bolt at %s%n",
                org.neo4j.kernel.internal.Version.getNeo4jVersion(), (System.nanoTime() - started) / 1e9,
                auth ? "on" : "off", uri);
        System.out.flush();
        stopped.await();
    }

    /** The default Cypher version, a setting that Neo4j 5.26 lacks: looked up by reflection. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Neo4jBuilder withDefaultLanguage(Neo4jBuilder builder, String version) throws Exception {
        java.lang.reflect.Field field;
        try {
            field = GraphDatabaseSettings.class.getField("default_language");
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException("--cypher needs Neo4j 2025.06 or later");
        }
        Class<? extends Enum> versions = (Class<? extends Enum>) Class.forName(
                "org.neo4j.configuration.GraphDatabaseSettings$CypherVersion");
        Object value = null;
        for (Object constant : versions.getEnumConstants()) {
            if (((Enum) constant).name().equalsIgnoreCase("Cypher" + version)) {
                value = constant;
            }
        }
        if (value == null) {
            throw new IllegalArgumentException("unknown Cypher version " + version);
        }
        return builder.withConfig((org.neo4j.graphdb.config.Setting) field.get(null), value);
    }
}
