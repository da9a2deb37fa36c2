package org.nixswarm.dht;

import lbms.plugins.mldht.kad.DHT;
import lbms.plugins.mldht.kad.DHTLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes mldht's process-wide logger to SLF4J (mldht otherwise prints to stdout). */
final class MldhtLogging {
    private static final Logger LOG = LoggerFactory.getLogger("org.nixswarm.dht.mldht");
    private static boolean installed;

    private MldhtLogging() {}

    static synchronized void install() {
        if (installed) return;
        DHT.setLogger(new DHTLogger() {
            @Override
            public void log(String message, DHT.LogLevel level) {
                switch (level) {
                    case Fatal, Error -> LOG.warn(message);
                    case Info -> LOG.debug(message);
                    default -> LOG.trace(message);
                }
            }

            @Override
            public void log(Throwable error, DHT.LogLevel level) {
                LOG.debug("mldht: {}", error.toString(), error);
            }
        });
        DHT.setLogLevel(DHT.LogLevel.Info);
        installed = true;
    }
}
