package io.github.multiprocessing4j.internal.pool;

import java.io.Serial;
import java.io.Serializable;

/**
 * What a worker sends back for one chunk: a value or a failure per item, in item order.
 *
 * @param values the values; null where the item failed
 * @param failures what each failed item threw (or a serializable stand-in); null if none failed
 */
record PoolChunkResult(Object[] values, Throwable[] failures) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;
}
