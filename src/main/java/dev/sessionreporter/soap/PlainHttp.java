package dev.sessionreporter.soap;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Plain http:// carries the application token and ticket (or a login's credentials) readable on the network: only to
 * this machine. Decided on the addresses the host name resolves to, never on its text: a name such as
 * 127.0.0.1.example.com is another machine.
 */
public final class PlainHttp {
    private PlainHttp() {
    }

    /** Why {@code url} must not be used as it is ("plain http:// to ..."), or empty for https:// or this machine. */
    public static Optional<String> refusal(String url) {
        URI uri = URI.create(url.strip());
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return Optional.empty();
        }
        String host = uri.getHost();
        try {
            InetAddress[] addresses = InetAddress.getAllByName(host);
            if (Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress)) {
                return Optional.empty();
            }
            return Optional.of("plain http:// to " + host + " (" + Arrays.stream(addresses)
                    .map(InetAddress::getHostAddress).collect(Collectors.joining(", ")) + ", not this machine)");
        } catch (UnknownHostException e) {
            return Optional.of("plain http:// to " + host + ", which does not resolve, so it cannot be shown to be this "
                    + "machine");
        }
    }
}
