package dev.sessionreporter;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Checks the placeholder values ({@link PlaceholderChecks}) before Camel Main applies its own {@code camel.*}
 * settings, some of which take reporter properties (camel.management.port = {{reporter.management.port}}): otherwise
 * a bad value fails there, naming Camel's option instead of ours.
 */
public class PlaceholderValuesCheck extends MainListenerSupport {
    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PlaceholderChecks.checkValues(main.getCamelContext().getPropertiesComponent());
    }
}
