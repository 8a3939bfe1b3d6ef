package io.sluice.gateway.passthrough;

/** Who is told about relayed TCP streams (Istio's TCP metrics): each one's opening, bytes and close. */
public interface TcpObserver {

    TcpObserver NONE = (service, version, flags) -> Stream.NONE;

    /**
     * A stream was accepted for a destination; the returned counters take its bytes as they pass.
     *
     * @param service the destination service's host, or Envoy's PassthroughCluster/BlackHoleCluster, or unknown
     * @param flags   Envoy's response flags: {@code -}, {@code NR} (no route), {@code UH} (no endpoint),
     *                {@code UF} (connect failure)
     */
    Stream opened(String service, String version, String flags);

    /** One stream's counters. */
    interface Stream {

        Stream NONE = new Stream() {
            @Override
            public void received(int bytes) {
            }

            @Override
            public void sent(int bytes) {
            }

            @Override
            public void closed() {
            }
        };

        /** Bytes from the client, on their way upstream (Istio's received bytes). */
        void received(int bytes);

        /** Bytes from the upstream, on their way to the client (Istio's sent bytes). */
        void sent(int bytes);

        void closed();
    }
}
