package dev.sessionreporter.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/** Starts a {@link Meter} when the session-reporter-timer-trigger route's next exchange is created: the moment the timer fires. */
final class TickStart extends EventNotifierSupport {
    private final CamelContext context;
    private final Meter meter;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final CountDownLatch fired = new CountDownLatch(1);
    private volatile long firedAt;

    private TickStart(CamelContext context, Meter meter) {
        this.context = context;
        this.meter = meter;
        // only exchange-created events: the others would add work to every message of the measured path
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeCompletedEvent(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
        setIgnoreStepEvents(true);
    }

    static TickStart on(CamelContext context, Meter meter) throws Exception {
        TickStart tickStart = new TickStart(context, meter);
        tickStart.start();
        context.getManagementStrategy().addEventNotifier(tickStart);
        return tickStart;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCreatedEvent created
                && "session-reporter-timer-trigger".equals(created.getExchange().getFromRouteId());
    }

    @Override
    public void notify(CamelEvent event) {
        if (armed.compareAndSet(true, false)) {
            meter.start();
            firedAt = System.nanoTime();
            fired.countDown();
        }
    }

    /** Waits for the tick and returns its System.nanoTime(); the meter is started by then. */
    long await() throws InterruptedException {
        if (!fired.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the timer did not fire within 120 s of starting the session-reporter-timer-trigger route");
        }
        return firedAt;
    }

    void remove() {
        context.getManagementStrategy().removeEventNotifier(this);
        stop();
    }
}
