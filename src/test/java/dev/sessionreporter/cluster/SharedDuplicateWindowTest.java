package dev.sessionreporter.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionreporter.support.TestSecrets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The duplicate window in a shared database, seen from two instances (two repositories on one H2 database): a key one
 * adds is a duplicate for the other within the window and new again after it; a failed report frees it; a broker
 * redelivery is never a duplicate; the table never holds a key.
 */
class SharedDuplicateWindowTest {
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final DefaultCamelContext camelContext = new DefaultCamelContext();
    private DriverManagerDataSource database;
    private SharedDuplicateWindow instanceA;
    private SharedDuplicateWindow instanceB;

    @BeforeEach
    void twoInstancesOnOneDatabase() {
        // a database of this test alone, kept while the test's connections come and go
        database = new DriverManagerDataSource("jdbc:h2:mem:duplicates-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        instanceA = new SharedDuplicateWindow(database, "superoffice.session-active", WINDOW, clock::get);
        instanceB = new SharedDuplicateWindow(database, "superoffice.session-active", WINDOW, clock::get);
        instanceA.start();
        instanceB.start();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        new JdbcTemplate(database).execute("SHUTDOWN");
        camelContext.close();
    }

    @Test
    void aKeyAddedByOneInstanceIsADuplicateForTheOtherWithinTheWindowOnly() {
        String key = TestSecrets.sessionKey("shared");
        assertThat(instanceA.add(exchange("ID:a-1"), key)).as("first arrival, instance A").isTrue();
        assertThat(instanceB.add(exchange("ID:b-1"), key)).as("second arrival, instance B").isFalse();

        clock.addAndGet(WINDOW.toMillis() - 1);
        assertThat(instanceB.add(exchange("ID:b-2"), key)).as("just within the window").isFalse();
        clock.addAndGet(2);
        assertThat(instanceB.add(exchange("ID:b-3"), key)).as("after the window: new again").isTrue();
        assertThat(instanceA.add(exchange("ID:a-2"), key)).as("and in the window of that arrival").isFalse();
    }

    @Test
    void aFailedReportFreesItsKeyForTheOtherInstances() {
        String key = TestSecrets.sessionKey("failed");
        Exchange first = exchange("ID:a-1");
        assertThat(instanceA.add(first, key)).isTrue();
        assertThat(instanceA.remove(first, key)).as("removeOnFailure").isTrue();

        assertThat(instanceB.add(exchange("ID:b-1"), key)).as("a later arrival is reported").isTrue();
    }

    @Test
    void aBrokerRedeliveryIsNeverADuplicate() {
        String key = TestSecrets.sessionKey("redelivered");
        assertThat(instanceA.add(exchange("ID:a-1"), key)).isTrue();

        Exchange redelivery = exchange("ID:a-1");
        redelivery.getIn().setHeader("JMSRedelivered", true);
        assertThat(instanceB.add(redelivery, key)).as("its first attempt may have failed unseen").isTrue();
    }

    @Test
    void theTableHoldsDigestsNotKeys() {
        String key = TestSecrets.sessionKey("digest");
        instanceA.add(exchange("ID:a-1"), key);

        List<String> stored = new JdbcTemplate(database).queryForList(
                "SELECT messageId FROM " + SharedDuplicateWindow.TABLE, String.class);
        assertThat(stored).singleElement().satisfies(id -> assertThat(id).hasSize(64).doesNotContain(key));
    }

    private Exchange exchange(String jmsMessageId) {
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.getIn().setHeader("JMSMessageID", jmsMessageId);
        return exchange;
    }
}
