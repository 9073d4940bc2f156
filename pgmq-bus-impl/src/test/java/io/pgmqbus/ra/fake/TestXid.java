// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import java.nio.charset.StandardCharsets;
import javax.transaction.xa.Xid;

/** A transaction branch id as a test's transaction manager makes them. */
public record TestXid(String id) implements Xid {
    @Override
    public int getFormatId() {
        return 7;
    }

    @Override
    public byte[] getGlobalTransactionId() {
        return id.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public byte[] getBranchQualifier() {
        return new byte[] {1};
    }
}
