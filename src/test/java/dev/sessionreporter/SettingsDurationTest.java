package dev.sessionreporter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.scheduler.SchedulerEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.util.TimeUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every duration property reads the same text: plain milliseconds or Camel's duration text. */
class SettingsDurationTest {

    @ParameterizedTest
    @CsvSource({"200, 200", "0, 0", "500ms, 500", "1s, 1000", "3s, 3000", "5m, 300000", "1m30s, 90000",
            "1h30m, 5400000", "1d, 86400000", "1s500ms, 1500", "' 60s ', 60000"})
    void readsMillisecondsAndCamelDurationText(String text, long millis) {
        assertThat(Settings.nonNegativeMillis("reporter.test.duration", text)).isEqualTo(millis);
        // the same value as Camel's endpoint options of type long or Duration give it
        assertThat(TimeUtils.toMilliSeconds(text.strip())).isEqualTo(millis);
    }

    /** The routes pass reporter.timer.period and initial-delay to these options as the text the property holds. */
    @ParameterizedTest
    @CsvSource({"200, 200", "500ms, 500", "3s, 3000", "5m, 300000", "1h30m, 5400000"})
    void camelsSchedulerAndJmsOptionsReadTheSameText(String text, long millis) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            SchedulerEndpoint scheduler = camel.getEndpoint("scheduler:durations?delay=" + text + "&initialDelay=" + text,
                    SchedulerEndpoint.class);
            JmsEndpoint jms = camel.getEndpoint("jms:queue:durations?timeToLive=" + text, JmsEndpoint.class);

            assertThat(scheduler.getDelay()).isEqualTo(millis);
            assertThat(scheduler.getInitialDelay()).isEqualTo(millis);
            assertThat(jms.getTimeToLive()).isEqualTo(millis);
        }
    }

    /** TimeUtils itself reads most of these as 0 or as a part of the text ("1m30" is one minute). */
    @ParameterizedTest
    @ValueSource(strings = {"5 minutes", "5 min", "1 sec", "soon", "1m30", "30S", "PT5M", "-1", "1.5s", "", "99999999999999999999"})
    void refusesAnythingElseNamingTheProperty(String text) {
        assertThatThrownBy(() -> Settings.nonNegativeMillis("reporter.timer.period", text))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("reporter.timer.period")
                .hasMessageContaining("REPORTER_TIMER_PERIOD")
                .hasMessageContaining("500ms, 3s, 5m or 1h30m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0s", "0ms"})
    void aPositiveDurationRefusesZero(String text) {
        assertThatThrownBy(() -> Settings.millis("reporter.timer.period", text))
                .isInstanceOf(StartupConfigurationException.class)
                .hasMessageContaining("reporter.timer.period must be more than 0");
    }
}
