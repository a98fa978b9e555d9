package dev.sessionreporter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sessionreporter.StartupConfigurationException;
import dev.sessionreporter.failure.Causes;
import org.apache.camel.main.Main;

/** A start that must be refused with a configuration error (the one line an operator reads). */
public final class StartupRefusal {
    private StartupRefusal() {
    }

    /** Starts {@code main}, asserts it is refused with a {@link StartupConfigurationException}, returns its message. */
    public static String messageOf(Main main) {
        try {
            Throwable failure = catchThrowable(main::start);
            StartupConfigurationException error = Causes.find(failure, StartupConfigurationException.class);
            assertThat(error).as("a start-up configuration error, not %s", failure).isNotNull();
            return error.getMessage();
        } finally {
            main.stop();
        }
    }
}
