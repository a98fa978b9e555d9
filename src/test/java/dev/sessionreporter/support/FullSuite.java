package dev.sessionreporter.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that starts other processes or a whole host stack (broker processes, packaged jars, Karaf, ZooKeeper):
 * minutes of waiting that {@code mvn -B verify} leaves to {@code mvn -B verify -Pfull} (pom, docs/testing.md), which
 * CI runs too.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(FullSuite.TAG)
public @interface FullSuite {
    /** The JUnit tag the pom's {@code full} profile selects. */
    String TAG = "full";
}
