package dev.sessionreporter.soap;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream over the answer that checks every read in one place, {@link #readSome}: single-byte reads and skips go
 * through it too, never around it to the stream below.
 */
abstract class AnswerStream extends FilterInputStream {

    AnswerStream(InputStream answer) {
        super(answer);
    }

    /** Reads 1 to {@code length} bytes, or -1 at the end. */
    protected abstract int readSome(byte[] buffer, int offset, int length) throws IOException;

    @Override
    public final int read(byte[] buffer, int offset, int length) throws IOException {
        return length == 0 ? 0 : readSome(buffer, offset, length);
    }

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return readSome(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final long skip(long count) throws IOException {
        int length = (int) Math.min(Math.max(count, 0), 8192);
        return length == 0 ? 0 : Math.max(readSome(new byte[length], 0, length), 0);
    }

    @Override
    public final boolean markSupported() {
        return false;
    }
}
