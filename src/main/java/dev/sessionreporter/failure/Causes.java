package dev.sessionreporter.failure;

/** Walks an exception's cause chain (CXF and Camel wrap the failure that matters several levels deep). */
public final class Causes {
    private Causes() {
    }

    /** The first exception of {@code type} in the chain, or null. */
    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The last (innermost) exception of {@code type} in the chain, or null: e.g. the original behind CXF's copy. */
    public static <T extends Throwable> T findLast(Throwable failure, Class<T> type) {
        T last = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                last = type.cast(t);
            }
        }
        return last;
    }

    /** The innermost cause. */
    public static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
