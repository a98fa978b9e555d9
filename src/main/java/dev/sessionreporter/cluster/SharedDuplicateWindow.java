package dev.sessionreporter.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The queue's duplicate window in a database every instance shares: camel-sql's JDBC idempotent repository, so the
 * same key queued twice within reporter.duplicates.window is reported once, whichever instances take the two messages.
 * <ul>
 * <li>a key counts as present only while its row is younger than the window; an older row is replaced when the key
 * comes again, and rows older than the window are deleted at most once per window;</li>
 * <li>the table keeps a SHA-256 of the key, never the key (a session key is a secret);</li>
 * <li>one row per key (primary key): of two instances adding a key at the same moment, one wins, the other sees a
 * duplicate;</li>
 * <li>a message the broker delivers again (its first attempt's connection was lost, {@code JMSRedelivered}) is never a
 * duplicate, not even of its own first attempt, which may have failed without reaching the database: at least once;
 * </li>
 * <li>removeOnFailure: a failed report deletes its key's row, so a later arrival is reported.</li>
 * </ul>
 * The instances' clocks stamp the rows, so they must agree (NTP) to well within the window.
 */
public class SharedDuplicateWindow extends JdbcMessageIdRepository {
    static final String TABLE = "SESSION_REPORTER_RECENT_KEYS";
    private static final String JMS_REDELIVERED = "JMSRedelivered";

    private final long windowMillis;
    private final LongSupplier clock;
    private final AtomicLong nextPurge;

    public SharedDuplicateWindow(DataSource dataSource, String processorName, Duration window) {
        this(dataSource, processorName, window, System::currentTimeMillis);
    }

    /**
     * The window in the database at {@code jdbcUrl} (its driver on the classpath), for the instances that share the
     * queue {@code processorName}; the table is created at the first start when it does not exist.
     */
    public static SharedDuplicateWindow inDatabase(String jdbcUrl, String username, String password,
            String processorName, Duration window) {
        return new SharedDuplicateWindow(new DriverManagerDataSource(jdbcUrl, username, password), processorName,
                window);
    }

    SharedDuplicateWindow(DataSource dataSource, String processorName, Duration window, LongSupplier clock) {
        super(dataSource, processorName);
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.nextPurge = new AtomicLong(clock.getAsLong() + windowMillis);
        setTableExistsString("SELECT 1 FROM " + TABLE + " WHERE 1 = 0");
        setCreateString("CREATE TABLE " + TABLE + " (processorName VARCHAR(255) NOT NULL, messageId VARCHAR(64) NOT NULL,"
                + " createdAt TIMESTAMP NOT NULL, PRIMARY KEY (processorName, messageId))");
        setQueryString("SELECT COUNT(*) FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND createdAt >= ?");
        setInsertString("INSERT INTO " + TABLE + " (processorName, messageId, createdAt) VALUES (?, ?, ?)");
        setDeleteString("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ?");
        setClearString("DELETE FROM " + TABLE + " WHERE processorName = ?");
    }

    /**
     * Creates the table when it does not exist (camel-sql's start). Instances starting together may both find it
     * missing: the one whose creation fails because the other's succeeded starts as well.
     */
    @Override
    protected void doStart() throws Exception {
        try {
            super.doStart();
        } catch (DataAccessException creationFailed) {
            try {
                jdbcTemplate.execute(getTableExistsString());
            } catch (DataAccessException stillMissing) {
                throw creationFailed;
            }
        }
    }

    @Override
    public boolean add(String key) {
        return super.add(digest(key));
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        boolean added = add(key);
        return added || Boolean.TRUE.equals(exchange.getIn().getHeader(JMS_REDELIVERED, Boolean.class));
    }

    @Override
    public boolean contains(String key) {
        return super.contains(digest(key));
    }

    @Override
    public boolean remove(String key) {
        return super.remove(digest(key));
    }

    @Override
    protected int queryForInt(String digest) {
        return jdbcTemplate.queryForObject(getQueryString(), Integer.class, processorName, digest, windowStart());
    }

    /** Replaces the key's row when it is older than the window; of two instances inserting at once, one wins. */
    @Override
    protected int insert(String digest) {
        long now = clock.getAsLong();
        purgeExpired(now);
        jdbcTemplate.update("DELETE FROM " + TABLE + " WHERE processorName = ? AND messageId = ? AND createdAt < ?",
                processorName, digest, new Timestamp(now - windowMillis));
        try {
            return jdbcTemplate.update(getInsertString(), processorName, digest, new Timestamp(now));
        } catch (DuplicateKeyException anotherInstanceWasFirst) {
            return 0;
        }
    }

    private void purgeExpired(long now) {
        long due = nextPurge.get();
        if (now - due >= 0 && nextPurge.compareAndSet(due, now + windowMillis)) {
            jdbcTemplate.update("DELETE FROM " + TABLE + " WHERE processorName = ? AND createdAt < ?", processorName,
                    new Timestamp(now - windowMillis));
        }
    }

    private Timestamp windowStart() {
        return new Timestamp(clock.getAsLong() - windowMillis);
    }

    static String digest(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
